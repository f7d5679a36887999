import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeHTML } from 'entities';
import { describe, expect, it } from 'vitest';
import { buildSite } from '../../functions/core/site/build.ts';
import { ROOT } from '../helpers/cli.ts';
import { articleText, settingsObject, settingsYaml } from '../helpers/factories.ts';
import { MemoryContent, MemoryOutput, memoryLogger } from '../helpers/memory.ts';

const templates = { load: async (name: string) => readFileSync(join(ROOT, 'templates', name), 'utf8') };

function digestSettings(overrides: Record<string, unknown>): string {
  const base = settingsObject();
  return settingsYaml({ digest: { ...(base.digest as object), ...overrides } });
}

describe('issue archive pages in the site build', () => {
  it('writes one page per issue, at the "view in browser" URL, listing that issue\'s articles', async () => {
    // Monday 07:00 in Seoul = Sunday 22:00 UTC.
    const content = new MemoryContent()
      .add('publication.yaml', digestSettings({ schedule: { cron: '0 7 * * 1', timezone: 'Asia/Seoul' } }))
      .add('articles/a.md', articleText({ title: 'Week one & <more>', date: '2024-11-12T09:00:00Z' }))
      .add('articles/b.md', articleText({ title: 'Week two, early', date: '2024-11-19T09:00:00Z' }))
      .add('articles/c.md', articleText({ title: 'Week two, late', date: '2024-11-24T21:59:00Z' }))
      .add('articles/d.md', articleText({ title: 'Not sent yet', date: '2024-11-25T09:00:00Z' }));
    const output = new MemoryOutput();
    const report = await buildSite({ content, output, templates, log: memoryLogger() }, new Date('2024-11-26T00:00:00Z'));
    // The issue due on 1 December is written too, so its link works the moment it is sent.
    expect(report.issues.map((i) => i.id)).toEqual(['2024-12-01T2200Z', '2024-11-24T2200Z', '2024-11-17T2200Z']);
    const page = output.text('issues/2024-11-24T2200Z.html');
    expect(output.files.get('issues/2024-11-24T2200Z.html')?.type).toBe('text/html; charset=utf-8');
    expect(page).toContain('<html lang="en-GB">');
    const href = (rel: RegExp) => decodeHTML(rel.exec(page)![1]!);
    expect(href(/<link rel="canonical" href="([^"]+)">/)).toBe('https://gazette.example.org/news/issues/2024-11-24T2200Z.html');
    expect(href(/<a href="([^"]+)">Week two, late<\/a>/)).toBe('../articles/week-two-late.html');
    expect(page).toContain('<h1>Issue of <time datetime="2024-11-24T22:00:00.000Z">25 November 2024</time></h1>');
    expect(page.indexOf('Week two, late')).toBeLessThan(page.indexOf('Week two, early'));
    expect(page).not.toContain('Week one');
    expect(page).not.toContain('Not sent yet');
    expect(output.text('issues/2024-11-17T2200Z.html')).toContain('Week one &amp; &lt;more&gt;');
    expect(output.text('issues/2024-12-01T2200Z.html')).toContain('Not sent yet');
    expect([...output.files.keys()].filter((p) => p.startsWith('issues/'))).toHaveLength(3);
  });

  it('caps an issue at maxArticles and keeps the newest issues only', async () => {
    const content = new MemoryContent().add('publication.yaml', digestSettings({ maxArticles: 2, schedule: { cron: '0 7 * * *', timezone: 'UTC' } }));
    for (let day = 1; day <= 120; day++) {
      const date = new Date(Date.UTC(2024, 0, day, 8)).toISOString();
      for (const hour of [0, 1, 2]) content.add(`articles/d${day}-${hour}.md`, articleText({ title: `Day ${day} item ${hour}`, date: date.replace('T08', `T1${hour}`) }));
    }
    const output = new MemoryOutput();
    const report = await buildSite({ content, output, templates, log: memoryLogger() }, new Date('2024-06-01T00:00:00Z'));
    expect(report.issues).toHaveLength(104);
    expect(report.issues[0]!.articles.map((a) => a.title)).toEqual(['Day 120 item 2', 'Day 120 item 1']);
  });

  it('reports a schedule it cannot read and still publishes everything else', async () => {
    const content = new MemoryContent()
      .add('publication.yaml', digestSettings({ schedule: { cron: '99 99 * * *', timezone: 'UTC' } }))
      .add('articles/a.md', articleText({ title: 'Still here' }));
    const output = new MemoryOutput();
    const log = memoryLogger();
    const report = await buildSite({ content, output, templates, log }, new Date('2025-01-01T00:00:00Z'));
    expect(report.articles).toHaveLength(1);
    expect(output.text('feed.xml')).toContain('Still here');
    expect(log.lines.find((l) => l.level === 'error')?.message).toMatch(/^publication\.yaml: digest\.schedule\.cron: "99 99 \* \* \*" is not a cron pattern/);
  });
});

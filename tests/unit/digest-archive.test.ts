import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeHTML } from 'entities';
import { parseAtomFeed } from 'feedsmith';
import { describe, expect, it } from 'vitest';
import { issueArticle, type IssueSummary } from '../../functions/core/issue/types.ts';
import { SiteIssueArchive } from '../../functions/core/issue/publish.ts';
import { loadArticles } from '../../functions/core/articles/load.ts';
import { buildSite } from '../../functions/core/site/build.ts';
import { ROOT } from '../helpers/cli.ts';
import { articleText, contentFile, issueContent, issueRecord, settingsObject, settingsYaml, testSettings } from '../helpers/factories.ts';
import { MemoryContent, MemoryOutput, memoryLogger } from '../helpers/memory.ts';

const templates = { load: async (name: string) => readFileSync(join(ROOT, 'templates', name), 'utf8') };

function digestSettings(overrides: Record<string, unknown>): string {
  const base = settingsObject();
  return settingsYaml({ digest: { ...(base.digest as object), ...overrides } });
}

/** Issues as the store lists them (newest first), for the archive. */
function store(issues: IssueSummary[]) {
  return { listIssues: async (_list: string, { limit, after }: { limit: number; after?: string }) => {
    const from = after ? issues.findIndex((i) => i.id === after) + 1 : 0;
    const page = issues.slice(from, from + limit);
    return { issues: page, cursor: from + limit < issues.length ? page.at(-1)?.id : undefined };
  } };
}

const summary = (record: ReturnType<typeof issueRecord>): IssueSummary => {
  const { settings: _s, content, ...rest } = record;
  return { ...rest, subject: content.subject, articles: content.articles };
};

describe('the digest archive, from the issues actually sent', () => {
  const settings = testSettings({ digest: { ...testSettings().digest, schedule: { cron: '0 7 * * 1', timezone: 'Asia/Seoul' } } });
  const articles = loadArticles(
    [
      contentFile('articles/a.md', articleText({ title: 'Week one & <more>', date: '2024-11-12T09:00:00Z' })),
      contentFile('articles/b.md', articleText({ title: 'Week two', date: '2024-11-19T09:00:00Z' })),
      contentFile('articles/c.md', articleText({ title: 'Gone since', date: '2024-11-20T09:00:00Z' })),
    ],
    settings,
    new Date('2025-01-01T00:00:00Z'),
  ).articles;
  const byTitle = (t: string) => issueArticle(articles.find((a) => a.title === t)!);
  const issues = [
    summary(issueRecord(settings, { scheduledFor: new Date('2024-11-24T22:00:00Z'), status: 'sent', content: issueContent({ subject: 'Week two + 1 more', articles: [byTitle('Gone since'), byTitle('Week two')] }) })),
    summary(issueRecord(settings, { scheduledFor: new Date('2024-11-17T22:00:00Z'), status: 'sent', content: issueContent({ subject: 'Week one & <more>', articles: [byTitle('Week one & <more>')] }) })),
  ];

  it('writes a page per issue at its "view in browser" URL, an index newest first and an Atom feed of issues', async () => {
    const output = new MemoryOutput();
    const archive = new SiteIssueArchive({ issues: store(issues), templates });
    const written = await archive.publishAll({ published: new Set(articles.map((a) => a.id)), output, settings });
    expect(written.sort()).toEqual(['issues/2024-11-17T2200Z.html', 'issues/2024-11-24T2200Z.html', 'issues/atom.xml', 'issues/index.html']);
    const page = output.text('issues/2024-11-24T2200Z.html');
    expect(output.files.get('issues/2024-11-24T2200Z.html')?.type).toBe('text/html; charset=utf-8');
    expect(page).toContain('<html lang="en-GB">');
    const href = (re: RegExp, text = page) => decodeHTML(re.exec(text)![1]!);
    expect(href(/<link rel="canonical" href="([^"]+)">/)).toBe('https://gazette.example.org/news/issues/2024-11-24T2200Z.html');
    expect(href(/<a href="([^"]+)">Week two<\/a>/)).toBe('../articles/week-two.html');
    expect(page).toContain('<h1>Week two + 1 more</h1>');
    expect(page).toContain('<time datetime="2024-11-24T22:00:00.000Z">25 November 2024</time>');
    expect(page.indexOf('Gone since')).toBeLessThan(page.indexOf('Week two</a>'));
    expect(output.text('issues/2024-11-17T2200Z.html')).toContain('Week one &amp; &lt;more&gt;');
    const index = output.text('issues/index.html');
    expect(index.indexOf('2024-11-24T2200Z.html')).toBeLessThan(index.indexOf('2024-11-17T2200Z.html'));
    const feed = parseAtomFeed(output.text('issues/atom.xml'));
    // Titles are type="html": a reader decodes them to the plain subject.
    expect(feed.entries!.map((e) => [e.title?.type, decodeHTML(String(e.title?.value)), e.links?.[0]?.href])).toEqual([
      ['html', 'Week two + 1 more', 'https://gazette.example.org/news/issues/2024-11-24T2200Z.html'],
      ['html', 'Week one & <more>', 'https://gazette.example.org/news/issues/2024-11-17T2200Z.html'],
    ]);
  });

  it('lists an article that is no longer published without a link, so no archive page links to a missing page', async () => {
    const output = new MemoryOutput();
    const archive = new SiteIssueArchive({ issues: store(issues), templates });
    await archive.publishAll({ published: new Set(articles.filter((a) => a.title !== 'Gone since').map((a) => a.id)), output, settings });
    const page = output.text('issues/2024-11-24T2200Z.html');
    expect(page).toContain('Gone since');
    expect(page).not.toMatch(/<a href="[^"]*gone-since/);
    expect(page).toContain('no longer published');
  });

  it('an index with no issue yet says so', async () => {
    const output = new MemoryOutput();
    await new SiteIssueArchive({ issues: store([]), templates }).publishAll({ published: new Set(), output, settings });
    expect(output.text('issues/index.html')).toContain('No issue has been sent yet.');
    expect(parseAtomFeed(output.text('issues/atom.xml')).entries ?? []).toEqual([]);
  });
});

describe('the site build and the archive', () => {
  it('links the past issues from the index only where it writes them', async () => {
    const content = new MemoryContent().add('publication.yaml', digestSettings({})).add('articles/a.md', articleText({ title: 'Still here' }));
    const alone = new MemoryOutput();
    const report = await buildSite({ content, output: alone, templates, log: memoryLogger() }, new Date('2025-01-01T00:00:00Z'));
    expect(report.archived).toEqual([]);
    expect([...alone.files.keys()].filter((p) => p.startsWith('issues/'))).toEqual([]);
    expect(alone.text('index.html')).not.toContain('issues/index.html');

    const beside = new MemoryOutput();
    const archive = new SiteIssueArchive({ issues: store([]), templates });
    await buildSite({ content, output: beside, templates, log: memoryLogger(), archive }, new Date('2025-01-01T00:00:00Z'));
    expect(beside.text('index.html')).toContain('<a href="issues/index.html">Past issues of the email digest</a>');
    expect(beside.files.has('issues/index.html')).toBe(true);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRssFeed } from 'feedsmith';
import { describe, expect, it, vi } from 'vitest';
import { jsonLogger } from '../../functions/adapters/json-logger.ts';
import { feedsHandler } from '../../functions/handlers/feeds.ts';
import { localBuildDeps } from '../../functions/wiring/site.ts';
import { articleText, settingsYaml } from '../helpers/factories.ts';
import { s3Event, lambdaContext } from '../helpers/events.ts';
import { tempDir, tempTree } from '../helpers/cli.ts';

describe('feeds Lambda handler', () => {
  it('rebuilds the site from the content directory on an S3 event, reporting broken articles', async () => {
    const content = tempTree({
      'publication.yaml': settingsYaml(),
      'articles/one.md': articleText({ title: 'One' }),
      'articles/two.md': '---\ntitle: ""\ndate: 2024-01-01T00:00:00Z\n---\n',
    });
    const site = tempDir();
    const logs: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((line) => (logs.push(String(line)), true));
    const handler = feedsHandler({ ...localBuildDeps({ content, out: site }, jsonLogger({ service: 'feeds' })), now: () => new Date() });
    const result = await handler(s3Event('content-bucket', ['articles/one.md']), lambdaContext());
    spy.mockRestore();
    // The article's page, the index and three feeds, the newsletter's page and three feeds, the tags' index,
    // subscribe.html, the sitemap, the style sheet and the icon (without a store, no digest archive).
    expect(result).toEqual({ built: true, published: 1, inFeeds: 1, problems: ['articles/two.md:2: title: must not be empty'], written: 14 });
    expect(parseRssFeed(readFileSync(join(site, 'feed.xml'), 'utf8')).items!.map((i) => i.title)).toEqual(['One']);
    const parsed = logs.map((l) => JSON.parse(l));
    expect(parsed).toEqual(expect.arrayContaining([
      expect.objectContaining({ level: 'info', message: 'rebuild requested', changed: ['articles/one.md'], service: 'feeds' }),
      expect.objectContaining({ level: 'error', message: 'articles/two.md:2: title: must not be empty', file: 'articles/two.md', line: 2 }),
      expect.objectContaining({ level: 'info', message: 'site built', published: 1, problems: 1 }),
    ]));
  });
});

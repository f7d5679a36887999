import { cpSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../functions/local/server.ts';
import { FUNCTIONS } from '../../infra/functions.ts';
import { ROOT, runCli, tempDir, tempTree } from '../helpers/cli.ts';
import { settingsObject } from '../helpers/factories.ts';
import { checkBuiltSite, crawl } from '../helpers/links.ts';
import { memoryLogger } from '../helpers/memory.ts';
import { taggedContent } from '../helpers/site-content.ts';

const SITE = settingsObject() as { siteUrl: string; digest: { apiUrl: string } };
const API_ROUTES = FUNCTIONS.flatMap((f) => (f.trigger.kind === 'http' ? f.trigger.routes : []));
describe('every link the built site emits resolves', () => {
  it('on disk: every href, src and form action of every page, every link of every feed and of the sitemap', () => {
    const out = tempDir();
    const run = runCli(['build', '--content', tempTree(taggedContent()), '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    // Two spellings of one tag are one page, reported once.
    expect(run.stderr.match(/share the page tags\/north-korea\//g)).toHaveLength(1);
    const check = checkBuiltSite(out, SITE.siteUrl, SITE.digest.apiUrl, API_ROUTES);
    expect(check.broken).toEqual([]);
    expect([...check.routes]).toEqual(['POST /subscribe']);
    // 120 article pages, 3 + 3 + 1 index pages (site, the two newsletters), 7 tags with their pages, the tags' index, subscribe.html, sitemap, feeds.
    expect(check.files).toBeGreaterThan(150);
    expect(check.followed).toBeGreaterThan(3000);
    expect(check.external).toBeGreaterThan(0);
    console.log(`link check, generated site: ${check.files} files, ${check.followed} links followed, ${check.external} to other hosts left alone, 0 broken`);
    for (const path of ['page/3/index.html', 'tags/economy/index.html', 'tags/北朝鮮/feed.xml', 'tags/etc-passwd/atom.xml', 'tags/north-korea/feed.json', 'tags/only-seven/index.html', 'newsletters/digest/page/3/index.html', 'newsletters/economy/index.html', 'newsletters/economy/feed.json']) {
      expect(existsSync(join(out, path)), path).toBe(true);
    }
  });

  it('served by the local server: a crawl from / of the shipped content answers 200 everywhere, the form reaching the subscribe route', async () => {
    const project = tempDir();
    cpSync(join(ROOT, 'content'), join(project, 'content'), { recursive: true });
    server = await startServer({ port: 0, contentDir: join(project, 'content'), dataDir: join(project, '.data'), log: memoryLogger(), logRequests: false, schedule: false });
    // From the home page, and from the sitemap as a search engine would.
    const check = await crawl([server.url, new URL('sitemap.xml', server.url).href]);
    expect(check.broken).toEqual([]);
    expect(check.routes).toContain('GET /subscribe');
    expect(check.files).toBeGreaterThanOrEqual(10);
    console.log(`link check, shipped content on the local server: ${check.files} files, ${check.followed} links followed, ${check.external} to other hosts left alone, 0 broken`);
    for (const path of ['/', '/articles/north-korean-troops-sent-without-a-choice.html', '/subscribe.html', '/sitemap.xml', '/favicon.svg', '/tags/index.html', '/newsletters/digest/index.html', '/newsletters/digest/feed.xml', '/newsletters/military/index.html', '/newsletters/military/atom.xml', '/tags/military/index.html', '/tags/russia/feed.json']) {
      expect(check.statuses.get(path), path).toBe(200);
    }
  });
});

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('tag pages across builds', () => {
  it('rewrites a collection only when its bytes change, and removes a tag\'s folder when its last article loses the tag', () => {
    const files = taggedContent(60);
    const content = tempTree(files);
    const out = tempDir();
    runCli(['build', '--content', content, '--out', out]);
    const mtime = (path: string) => statSync(join(out, path)).mtimeMs;
    const before = ['tags/economy/index.html', 'tags/economy/feed.xml', 'tags/politics/feed.xml', 'tags/only-seven/index.html'].map(mtime);
    expect(existsSync(join(out, 'tags/only-seven/atom.xml'))).toBe(true);

    // Article 7 (Politics, a tag of its own) loses "Only seven" and gets a new body.
    writeFileSync(join(content, 'articles/a007.md'), files['articles/a007.md']!.replace(/\n\s*- Only seven\n/, '\n').replace('begins with', 'now begins with'));
    const run = runCli(['build', '--content', content, '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    expect(existsSync(join(out, 'tags/only-seven'))).toBe(false);
    expect(run.stdout).toMatch(/removed 4 pages no longer published/);
    // Economy did not change; Politics' feed carries the edited body.
    expect(['tags/economy/index.html', 'tags/economy/feed.xml'].map(mtime)).toEqual(before.slice(0, 2));
    expect(mtime('tags/politics/feed.xml')).not.toBe(before[2]);
    expect(readFileSync(join(out, 'tags/politics/feed.xml'), 'utf8')).toContain('now begins with');
    expect(readFileSync(join(out, 'tags/index.html'), 'utf8')).not.toContain('Only seven');
    const manifest = JSON.parse(readFileSync(join(out, '.newsletter/site-manifest.json'), 'utf8'));
    expect(Object.keys(manifest.files).filter((p) => p.startsWith('tags/only-seven/'))).toEqual([]);
  });
});

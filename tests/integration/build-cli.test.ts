import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAtomFeed, parseRssFeed } from 'feedsmith';
import { describe, expect, it } from 'vitest';
import { articleText, settingsYaml } from '../helpers/factories.ts';
import { runCli, tempDir, tempTree, ROOT } from '../helpers/cli.ts';

describe('newsletter build', () => {
  it('builds the shipped content: three feeds, a page per article and an index linking all feeds', () => {
    const out = tempDir();
    const run = runCli(['build', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const articles = readdirSync(join(ROOT, 'content/articles')).filter((f) => f.endsWith('.md'));
    expect(run.stdout).toContain(`${articles.length} article${articles.length === 1 ? '' : 's'} published`);
    const rss = parseRssFeed(readFileSync(join(out, 'feed.xml'), 'utf8'));
    const atom = parseAtomFeed(readFileSync(join(out, 'atom.xml'), 'utf8'));
    const json = JSON.parse(readFileSync(join(out, 'feed.json'), 'utf8'));
    expect(rss.items).toHaveLength(articles.length);
    expect(atom.entries).toHaveLength(articles.length);
    expect(json.items).toHaveLength(articles.length);
    const siteUrl = rss.link!;
    for (const item of rss.items!) {
      const path = new URL(item.link!).pathname.replace(new URL(siteUrl).pathname, '');
      const page = readFileSync(join(out, path), 'utf8');
      expect(page).toContain('<html lang="en">');
      expect(page).toContain(`<h1>${item.title!.replace(/&/g, '&amp;')}</h1>`);
    }
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    expect(index).toContain('<link rel="alternate" type="application/rss+xml"');
    expect(index).toContain('<link rel="alternate" type="application/atom+xml"');
    expect(index).toContain('<link rel="alternate" type="application/feed+json"');
    expect(existsSync(join(out, 'style.css'))).toBe(true);
  });

  it('publishes the good articles, names each broken one, and exits 0 (2 with --strict)', () => {
    const content = tempTree({
      'publication.yaml': settingsYaml(),
      'articles/good.md': articleText({ title: 'Good one' }),
      'articles/bad.md': '---\ntitle: Bad\ndate: last Tuesday\n---\nBody\n',
      'articles/draft.md': articleText({ title: 'Later', draft: true }),
    });
    const out = tempDir();
    const run = runCli(['build', '--content', content, '--out', out]);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('error: articles/bad.md:3: date: "last Tuesday" is not an ISO 8601 date-time with an offset');
    expect(run.stdout).toContain('1 article published');
    expect(run.stdout).toContain('1 left out with errors, 1 not yet published');
    expect(run.stdout).toContain('articles/draft.md (draft)');
    expect(parseRssFeed(readFileSync(join(out, 'feed.xml'), 'utf8')).items!.map((i) => i.title)).toEqual(['Good one']);
    const strict = runCli(['build', '--content', content, '--out', out, '--strict']);
    expect(strict.status).toBe(2);
    expect(strict.stderr.trim().split('\n').at(-1)).toBe('newsletter: 1 article(s) left out (see errors above)');
  });

  it('an empty content directory builds empty feeds with a warning', () => {
    const content = tempTree({ 'publication.yaml': settingsYaml() });
    const out = tempDir();
    const run = runCli(['build', '--content', content, '--out', out]);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('no articles found');
    expect(parseRssFeed(readFileSync(join(out, 'feed.xml'), 'utf8')).items ?? []).toEqual([]);
  });

  it('a bad site URL fails with one line naming the file, line and field, and writes nothing', () => {
    const content = tempTree({ 'publication.yaml': settingsYaml({ siteUrl: 'news dot example' }), 'articles/a.md': articleText() });
    const out = join(tempDir(), 'site');
    const run = runCli(['build', '--content', content, '--out', out]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('newsletter: publication.yaml:3: siteUrl: must be an absolute http(s) URL, e.g. https://news.example.com/\n');
    expect(existsSync(out)).toBe(false);
  });

  it('a missing settings file is a clear error', () => {
    const run = runCli(['build', '--content', tempDir(), '--out', tempDir()]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('newsletter: publication.yaml: not found in the content directory\n');
  });
});

/** Every file of a built site (the build's own records left out): path → [bytes, modification time]. */
function snapshot(root: string): Map<string, [string, bigint]> {
  const files = new Map<string, [string, bigint]>();
  for (const name of readdirSync(root, { recursive: true }) as string[]) {
    if (name.startsWith('.newsletter')) continue;
    const full = join(root, name);
    const stats = statSync(full, { bigint: true });
    if (stats.isFile()) files.set(name, [readFileSync(full, 'utf8'), stats.mtimeNs]);
  }
  return files;
}

describe('newsletter build on a site it built before', () => {
  function weekly(count: number): string {
    const files: Record<string, string> = { 'publication.yaml': settingsYaml({ feedItems: 3 }) };
    for (let i = 0; i < count; i++) files[`articles/a${i}.md`] = articleText({ title: `Story ${i}`, date: `2024-10-${String(i + 1).padStart(2, '0')}T09:00:00Z` }, `Story ${i} begins.\n\nMore.\n`);
    return tempTree(files);
  }

  it('writes nothing when nothing changed, and after one edit only the files whose bytes changed', () => {
    const content = weekly(8);
    const out = tempDir();
    expect(runCli(['build', '--content', content, '--out', out]).stdout).toContain('wrote 21 changed files, 0 unchanged');
    const before = snapshot(out);
    const again = runCli(['build', '--content', content, '--out', out]);
    expect(again.stdout).toContain('wrote 0 changed files, 21 unchanged');
    expect(snapshot(out)).toEqual(before);

    writeFileSync(join(content, 'articles/a2.md'), articleText({ title: 'Story 2', date: '2024-10-03T09:00:00Z' }, 'Story 2, corrected.\n\nMore.\n'));
    const edited = runCli(['build', '--content', content, '--out', out]);
    expect(edited.status).toBe(0);
    const after = snapshot(out);
    const rewritten = [...after].filter(([path, [, mtime]]) => before.get(path)?.[1] !== mtime).map(([path]) => path).sort();
    const changed = [...after].filter(([path, [body]]) => before.get(path)?.[0] !== body).map(([path]) => path).sort();
    expect(rewritten).toEqual(changed);
    // The page and the lists that show it (the site's, the one newsletter's): the edit is not among the
    // feeds' three newest, the sitemap's dates are the same, and a build without the store writes no
    // digest archive.
    expect(changed).toEqual(['articles/story-2.html', 'index.html', 'newsletters/digest/index.html']);
    expect(edited.stdout).toContain('wrote 3 changed files, 18 unchanged');
  });

  it('removes the page of a deleted article and nothing another writer put in the site', () => {
    const content = weekly(3);
    const out = tempDir();
    runCli(['build', '--content', content, '--out', out]);
    mkdirSync(join(out, 'issues'), { recursive: true });
    writeFileSync(join(out, 'issues/2024-09-30T0700Z.html'), 'an archive page the sender wrote');
    writeFileSync(join(out, 'articles/by-hand.html'), 'a page a person wrote');
    writeFileSync(join(out, 'robots.txt'), 'User-agent: *');
    rmSync(join(content, 'articles/a1.md'));
    const run = runCli(['build', '--content', content, '--out', out]);
    expect(run.stdout).toContain('removed 1 page no longer published');
    expect(existsSync(join(out, 'articles/story-1.html'))).toBe(false);
    expect(readFileSync(join(out, 'issues/2024-09-30T0700Z.html'), 'utf8')).toBe('an archive page the sender wrote');
    expect(readFileSync(join(out, 'articles/by-hand.html'), 'utf8')).toBe('a page a person wrote');
    expect(readFileSync(join(out, 'robots.txt'), 'utf8')).toBe('User-agent: *');
    expect(parseRssFeed(readFileSync(join(out, 'feed.xml'), 'utf8')).items!.map((i) => i.title)).toEqual(['Story 2', 'Story 0']);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).not.toContain('Story 1');
  });

  it('keeps its manifest in .newsletter/: what it published, the files it owns, the next embargo', () => {
    const content = weekly(2);
    writeFileSync(join(content, 'articles/later.md'), articleText({ title: 'Later', date: '2099-01-01T00:00:00Z' }));
    const out = tempDir();
    runCli(['build', '--content', content, '--out', out]);
    const manifest = JSON.parse(readFileSync(join(out, '.newsletter/site-manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ format: 1, nextEmbargo: '2099-01-01T00:00:00.000Z' });
    expect(Date.parse(manifest.now)).toBeGreaterThan(Date.now() - 120_000);
    expect(manifest.published.map((p: { path: string }) => p.path)).toEqual(['articles/story-1.html', 'articles/story-0.html']);
    expect(Object.keys(manifest.files).sort()).toEqual([
      'articles/story-0.html',
      'articles/story-1.html',
      'atom.xml',
      'favicon.svg',
      'feed.json',
      'feed.xml',
      'index.html',
      'newsletters/digest/atom.xml',
      'newsletters/digest/feed.json',
      'newsletters/digest/feed.xml',
      'newsletters/digest/index.html',
      'sitemap.xml',
      'style.css',
      'subscribe.html',
      'tags/index.html',
    ]);
    expect(Object.keys(manifest.shared).every((p) => p.startsWith('issues/'))).toBe(true);
  });
});

describe('newsletter command line', () => {
  it.each([[[]], [['build']], [['import']]])('--help works for %j and exits 0', (args) => {
    const run = runCli([...args, '--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: newsletter/);
  });

  it('an unknown command exits non-zero with a reason', () => {
    const run = runCli(['frobnicate']);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("unknown command 'frobnicate'");
  });
});

describe('newsletter import', () => {
  it('writes a content file that builds, and refuses to overwrite it', () => {
    const content = tempTree({ 'publication.yaml': settingsYaml() });
    const source = tempTree({ 'story.txt': 'First paragraph of the story.\nA Subheading\nSecond paragraph.\n0 Comments' });
    const args = ['import', join(source, 'story.txt'), '--title', 'Big & Bold', '--date', '2024-11-20T09:00:00+09:00', '--content', content];
    const run = runCli(args);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('2 paragraphs, 1 subheadings, removed "0 Comments"');
    const file = readFileSync(join(content, 'articles/big-bold.md'), 'utf8');
    expect(file).toMatch(/^---\ntitle: Big & Bold\ndate: 2024-11-20T09:00:00\+09:00\nslug: big-bold\n---\n/);
    const again = runCli(args);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/big-bold\.md already exists: pass --force/);
    const out = tempDir();
    expect(runCli(['build', '--content', content, '--out', out]).status).toBe(0);
    expect(readFileSync(join(out, 'articles/big-bold.html'), 'utf8')).toContain('<h2>A Subheading</h2>');
  });

  it('rejects a bad date, a missing title and a non-UTF-8 file with one line each', () => {
    const source = tempTree({ 'a.txt': 'Text.', 'latin1.txt': Buffer.from([0x43, 0x61, 0x66, 0xe9]) });
    const badDate = runCli(['import', join(source, 'a.txt'), '--title', 'T', '--date', 'last Tuesday', '--content', tempDir()]);
    // Bad arguments exit 2, like every command's.
    expect(badDate.status).toBe(2);
    expect(badDate.stderr).toBe('newsletter: --date: "last Tuesday" is not an ISO 8601 date-time with an offset, e.g. 2024-11-20T09:00:00+09:00\n');
    const noTitle = runCli(['import', join(source, 'a.txt')]);
    expect(noTitle.status).toBe(2);
    expect(noTitle.stderr).toContain("required option '--title <title>' not specified");
    const latin = runCli(['import', join(source, 'latin1.txt'), '--title', 'T', '--content', tempDir()]);
    expect(latin.status).toBe(1);
    expect(latin.stderr).toMatch(/latin1\.txt: not valid UTF-8 text/);
  });
});

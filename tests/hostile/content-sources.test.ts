import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRssFeed } from 'feedsmith';
import { afterEach, describe, expect, it } from 'vitest';
import { FileContentSource } from '../../functions/adapters/fs-content.ts';
import { runCli, tempDir, tempTree } from '../helpers/cli.ts';
import { articleText, settingsYaml } from '../helpers/factories.ts';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function content(files: Record<string, string | Uint8Array>): string {
  const root = tempTree({ 'publication.yaml': settingsYaml(), 'articles/good.md': articleText({ title: 'Still published' }), ...files });
  made.push(root);
  return root;
}

function hasMkfifo(): boolean {
  return spawnSync('mkfifo', ['--version']).status === 0;
}

/** What `list` says about each file: its text, or why it was not read. */
async function listed(root: string, options = {}): Promise<Record<string, string>> {
  const files = await new FileContentSource(root).list(options);
  return Object.fromEntries(files.map((f) => [f.path, f.unreadable !== undefined ? `unreadable: ${f.unreadable}` : new TextDecoder().decode(f.bytes).slice(0, 20)]));
}

describe('file content source against hostile trees', () => {
  it('refuses a symlink to a file outside the content directory, and a symlink to /dev/zero', async () => {
    const outside = tempTree({ 'secret.md': articleText({ title: 'Secret' }) });
    made.push(outside);
    const root = content({});
    symlinkSync(join(outside, 'secret.md'), join(root, 'articles/leak.md'));
    symlinkSync('/dev/zero', join(root, 'articles/zero.md'));
    const files = await listed(root);
    expect(files['articles/leak.md']).toBe('unreadable: symbolic link to a file outside the content directory: not read');
    expect(files['articles/zero.md']).toBe('unreadable: symbolic link to a file outside the content directory: not read');
    expect(files['articles/good.md']).toMatch(/^---/);
  });

  it('follows a symlink to a regular file inside the content directory', async () => {
    const root = content({ 'drafts/real.md': articleText({ title: 'Linked in' }) });
    symlinkSync('../drafts/real.md', join(root, 'articles/linked.md'));
    expect((await listed(root))['articles/linked.md']).toMatch(/^---/);
  });

  it('reports dangling links, link loops and links to folders without following them', async () => {
    const root = content({});
    symlinkSync('missing.md', join(root, 'articles/dangling.md'));
    symlinkSync('loop-b.md', join(root, 'articles/loop-a.md'));
    symlinkSync('loop-a.md', join(root, 'articles/loop-b.md'));
    symlinkSync('.', join(root, 'articles/again'));
    const files = await listed(root);
    expect(files['articles/dangling.md']).toBe('unreadable: symbolic link to a file that does not exist (dangling link): not read');
    expect(files['articles/loop-a.md']).toBe('unreadable: symbolic link loop: not read');
    expect(files['articles/again']).toBe('unreadable: symbolic link to a folder: not followed (move the files into the content directory)');
    expect(Object.keys(files).filter((p) => p.startsWith('articles/again/'))).toEqual([]);
  });

  it.skipIf(!hasMkfifo())('refuses a FIFO without waiting for a writer', async () => {
    const root = content({});
    expect(spawnSync('mkfifo', [join(root, 'articles/pipe.md')]).status).toBe(0);
    symlinkSync('pipe.md', join(root, 'articles/to-pipe.md'));
    const files = await listed(root);
    expect(files['articles/pipe.md']).toBe('unreadable: a FIFO, not a regular file: not read');
    expect(files['articles/to-pipe.md']).toBe('unreadable: symbolic link to a FIFO, not a regular file: not read');
  });

  it('checks the size before reading and names the setting that raises the limit', async () => {
    const root = content({ 'articles/huge.md': articleText({ title: 'Huge' }, 'x'.repeat(3 * 1024 * 1024)) });
    const files = await listed(root, { maxBytes: 1024 * 1024, limitName: 'maxArticleBytes in publication.yaml' });
    expect(files['articles/huge.md']).toBe('unreadable: 3.0 MB, over the 1.0 MB limit (maxArticleBytes in publication.yaml): not read');
  });

  it('skips hidden files and folders as before', async () => {
    const root = content({ 'articles/.draft.md': 'x', '.git/config': 'x', 'articles/.hidden/a.md': 'x' });
    expect(Object.keys(await listed(root)).sort()).toEqual(['articles/good.md', 'publication.yaml']);
  });

  it('refuses to read the settings through a link leaving the directory', async () => {
    const outside = tempTree({ 'publication.yaml': settingsYaml() });
    made.push(outside);
    const root = tempDir();
    made.push(root);
    symlinkSync(join(outside, 'publication.yaml'), join(root, 'publication.yaml'));
    await expect(new FileContentSource(root).read('publication.yaml')).rejects.toThrow(
      'publication.yaml: symbolic link to a file outside the content directory: not read',
    );
  });
});

describe('newsletter build with hostile content', () => {
  it('names every file it could not read, publishes the rest and exits 0', () => {
    const root = content({ 'articles/huge.md': articleText({ title: 'Huge' }, 'y'.repeat(2 * 1024 * 1024)) });
    symlinkSync('/dev/zero', join(root, 'articles/zero.md'));
    symlinkSync('/etc/passwd', join(root, 'articles/passwd.md'));
    symlinkSync('nowhere.md', join(root, 'articles/dangling.md'));
    symlinkSync('..', join(root, 'articles/loop'));
    mkdirSync(join(root, 'articles/nested'));
    writeFileSync(join(root, 'articles/nested/deeper.md'), articleText({ title: 'Nested and fine' }));
    const out = tempDir();
    made.push(out);
    const run = runCli(['build', '--content', root, '--out', out]);
    expect(run.status).toBe(0);
    const errors = run.stderr.split('\n').filter((l) => l.startsWith('error: ')).sort();
    expect(errors).toEqual([
      'error: articles/dangling.md: symbolic link to a file that does not exist (dangling link): not read',
      'error: articles/huge.md: 2.0 MB, over the 1.0 MB limit (maxArticleBytes in publication.yaml): not read',
      'error: articles/loop: symbolic link to a folder: not followed (move the files into the content directory)',
      'error: articles/passwd.md: symbolic link to a file outside the content directory: not read',
      'error: articles/zero.md: symbolic link to a file outside the content directory: not read',
    ]);
    expect(run.stdout).toContain('2 articles published');
    expect(run.stdout).toContain('5 left out with errors');
    const rss = parseRssFeed(readFileSync(join(out, 'feed.xml'), 'utf8'));
    expect(rss.items!.map((i) => i.title).sort()).toEqual(['Nested and fine', 'Still published']);
    expect(readdirSync(join(out, 'articles')).sort()).toEqual(['nested-and-fine.html', 'still-published.html']);
    expect(readFileSync(join(out, 'articles/still-published.html'), 'utf8')).not.toContain('root:');
  });
});

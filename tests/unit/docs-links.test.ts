// Every relative link in the README, CONTEXT.md and docs/ leads to a file of the repository, and every
// #anchor to a heading of that file (as GitHub makes heading anchors).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const docs = ['README.md', 'CONTEXT.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor(m[1]!)));
}

function linksOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8').replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  const inline = [...text.matchAll(/!?\[[^\]\n]*\]\(([^)\s]+)(?: "[^"]*")?\)/g)].map((m) => m[1]!);
  const references = [...text.matchAll(/^\[[^\]\n]+\]: (\S+)/gm)].map((m) => m[1]!);
  return [...inline, ...references].filter((href) => !/^[a-z][a-z0-9+.-]*:/i.test(href));
}

describe('the documentation', () => {
  it('has the README, CONTEXT.md and the docs to check', () => {
    expect(docs).toContain('README.md');
    expect(docs.filter((d) => d.startsWith('docs/')).length).toBeGreaterThan(5);
  });

  for (const doc of docs) {
    it(`${doc}: every relative link resolves`, () => {
      const broken: string[] = [];
      for (const href of linksOf(doc)) {
        const [path, hash] = href.split('#') as [string, string | undefined];
        const target = path === '' ? join(root, doc) : join(root, dirname(doc), decodeURI(path));
        if (relative(root, target).startsWith('..') || !existsSync(target)) {
          broken.push(`${href}: no such file`);
          continue;
        }
        if (hash && statSync(target).isFile() && target.endsWith('.md') && !anchorsOf(target).has(hash)) broken.push(`${href}: no heading #${hash}`);
      }
      expect(broken).toEqual([]);
    });
  }
});

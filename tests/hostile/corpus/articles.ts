// A hostile corpus of article files, built by factory functions (nothing large is stored). Each case
// says what the person running `build` must see: the article left out with one report line, or
// published (with the warnings it earns) and checked by `published`.
import type { Article, ContentFile } from '../../../functions/core/articles/types.ts';
import { articleText } from '../../helpers/factories.ts';

export interface HostileArticle {
  name: string;
  file: ContentFile;
  /** Left out, reported with this `file:line: message`. */
  problem?: RegExp;
  /** Published; warnings that must be reported (each matched once). */
  warnings?: RegExp[];
  published?: (article: Article) => void;
}

const KB = 1024;
const MiB = 1024 * 1024;
const DATE = '2024-11-20T09:00:00Z';

/** An article file from raw front-matter lines (line 1 is `---`, so front line k is file line k + 1) and a body. */
export function raw(front: string, body = 'Body.\n'): string {
  return `---\n${front}\n---\n${body}`;
}

function file(name: string, text: string | Uint8Array, unreadable?: string): ContentFile {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  return { path: `articles/${name}.md`, bytes, ...(unreadable ? { unreadable } : {}) };
}

/** `unit` repeated to `size` characters. */
export function repeatTo(unit: string, size: number): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

/** Quadratic-time patterns for older Markdown engines, at a given size (shared with the benchmark). */
export const ADVERSARIAL_MARKDOWN: Record<string, (size: number) => string> = {
  'star-a-underscore': (n) => repeatTo('*a _', n),
  'nested-brackets': (n) => `${'['.repeat(n / 2)}a${']'.repeat(n / 2 - 1)}`,
  'open-links': (n) => repeatTo('[a](', n),
  'image-brackets': (n) => repeatTo('![[', n),
  'emphasis-mix': (n) => repeatTo('**_', n),
  'underscore-words': (n) => `${'_a'.repeat(n / 4)} ${'a_'.repeat(n / 4)}`,
  'backtick-runs': (n) => {
    let s = '';
    for (let k = 1; s.length < n; k++) s += `${'`'.repeat(k)}a`;
    return s.slice(0, n);
  },
  'lt-a': (n) => repeatTo('<a', n),
  'strike-tildes': (n) => repeatTo('~a ~~', n),
  'link-reference-misuse': (n) => `[r]: /${'x'.repeat(n / 2)}\n\n${repeatTo('[r]', n / 2)}`,
  'table-columns': (n) => {
    const cols = Math.floor(n / 8);
    return `${'|a'.repeat(cols)}|\n${'|-'.repeat(cols)}|\n${'|b'.repeat(cols)}|\n`;
  },
};

/** A blockquote `depth` levels deep on one line. */
export const deepQuote = (depth: number) => `${'>'.repeat(depth)} deep\n`;

function yamlCases(): HostileArticle[] {
  const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (const [name, prev] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd'], ['f', 'e'], ['g', 'f'], ['h', 'g'], ['i', 'h']]) {
    laughs.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  return [
    { name: 'billion laughs (sequences)', file: file('laughs', raw(`title: Laughs\ndate: ${DATE}\n${laughs.join('\n')}`)), problem: /^articles\/laughs\.md:5: YAML in front matter has aliases that expand to too many values/ },
    { name: 'billion laughs (mappings)', file: file('laughs-map', raw(`title: Laughs\ndate: ${DATE}\na: &a {x: lol, y: lol}\nb: &b {x: *a, y: *a, z: *a, w: *a}\nc: &c {x: *b, y: *b, z: *b, w: *b}\nd: {x: *c, y: *c, z: *c, w: *c}`)), problem: /^articles\/laughs-map\.md:5: YAML in front matter has aliases/ },
    { name: 'one anchor used a hundred times', file: file('alias-fan', raw(`title: Fan\ndate: ${DATE}\nx: &x lol\nys: [${Array(100).fill('*x').join(', ')}]`)), problem: /^articles\/alias-fan\.md:5: YAML in front matter has aliases/ },
    { name: 'flow collections 20,000 deep', file: file('deep-flow', raw(`title: Deep\ndate: ${DATE}\nx: ${'['.repeat(20_000)}${']'.repeat(20_000)}`)), problem: /^articles\/deep-flow\.md:4: YAML in front matter nests deeper than 32 levels/ },
    { name: 'block mappings 60 deep', file: file('deep-block', raw(`title: Deep\ndate: ${DATE}\n${Array.from({ length: 60 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')} v`)), problem: /^articles\/deep-block\.md:1: YAML in front matter nests deeper than 32 levels/ },
    { name: 'a duplicate key', file: file('dup-key', raw(`title: One\ntitle: Two\ndate: ${DATE}`)), problem: /^articles\/dup-key\.md:3: invalid YAML in front matter: Map keys must be unique/ },
    { name: 'a 100 KB front matter', file: file('big-front', raw(`title: Big\ndate: ${DATE}\nnote: ${'x'.repeat(100 * KB)}`)), problem: /^articles\/big-front\.md:1: front matter is over 64 KB/ },
    { name: 'front matter that is a list', file: file('front-list', raw('- title\n- date')), problem: /^articles\/front-list\.md:2: front matter must be a YAML mapping/ },
    { name: 'front matter never closed', file: file('unclosed', `---\ntitle: Open\ndate: ${DATE}\n\nBody without the closing line.\n`), problem: /^articles\/unclosed\.md:1: no front matter/ },
    { name: 'a closing --- inside a value', file: file('dashes-in-title', raw(`title: Before---\ndate: ${DATE}`)), published: (a) => expectEqual(a.title, 'Before---') },
    { name: 'an empty front matter', file: file('empty-front', '---\n---\nBody\n'), problem: /^articles\/empty-front\.md:1: title: is required/ },
  ];
}

function nestingCases(): HostileArticle[] {
  const quoteLines = Array.from({ length: 150 }, (_, i) => `${'>'.repeat(i + 1)} level ${i + 1}`).join('\n');
  const listLines = Array.from({ length: 120 }, (_, i) => `${'  '.repeat(i)}- item ${i + 1}`).join('\n');
  return [
    // Body lines start at file line 5 (---, title, date, ---).
    { name: 'a 20,000-deep blockquote', file: file('deep-quote', raw(`title: Quote\ndate: ${DATE}`, `Intro.\n\n${deepQuote(20_000)}`)), problem: /^articles\/deep-quote\.md:7: nests deeper than 100 levels/ },
    { name: 'a blockquote one level deeper on each line', file: file('quote-stairs', raw(`title: Stairs\ndate: ${DATE}`, `${quoteLines}\n`)), problem: /^articles\/quote-stairs\.md:104: nests deeper than 100 levels/ },
    { name: 'lists 120 levels deep', file: file('deep-list', raw(`title: List\ndate: ${DATE}`, `${listLines}\n`)), problem: /^articles\/deep-list\.md:\d+: nests deeper than 100 levels/ },
    { name: '20,000 nested <div>', file: file('deep-div', raw(`title: Divs\ndate: ${DATE}`, `Intro.\n\n${'<div>'.repeat(20_000)}x\n`)), problem: /^articles\/deep-div\.md:7: nests deeper than 100 levels/ },
    { name: '20,000 nested inline <span>', file: file('deep-span', raw(`title: Spans\ndate: ${DATE}`, `Text ${'<span>'.repeat(20_000)}x\n`)), problem: /^articles\/deep-span\.md:5: nests deeper than 100 levels/ },
    { name: '20,000 <div/> (not self-closing in HTML)', file: file('div-slash', raw(`title: Slashes\ndate: ${DATE}`, `${'<div/>'.repeat(20_000)}\n`)), problem: /^articles\/div-slash\.md:5: nests deeper than 100 levels/ },
    { name: '50,000 nested emphasis markers', file: file('deep-emphasis', raw(`title: Stars\ndate: ${DATE}`, `${'*'.repeat(50_000)}a${'*'.repeat(50_000)}\n`)), problem: /^articles\/deep-emphasis\.md:5: nests deeper than 100 levels/ },
    { name: '500 nested <svg><g>', file: file('deep-svg', raw(`title: SVG\ndate: ${DATE}`, `<svg>${'<g>'.repeat(500)}</svg>\n`)), problem: /^articles\/deep-svg\.md:5: nests deeper than 100 levels/ },
    { name: 'a blockquote 90 deep (within the limit)', file: file('quote-90', raw(`title: Ninety\ndate: ${DATE}`, deepQuote(90))), published: (a) => expectEqual(a.html.split('<blockquote>').length - 1, 90) },
    { name: '50,000 sibling <b> elements', file: file('many-b', raw(`title: Bold\ndate: ${DATE}`, `${'<b>x</b> '.repeat(50_000)}\n`)), published: (a) => expectEqual(a.html.split('<b>').length - 1, 50_000) },
    { name: '5,000 unclosed <p> (each closes the last)', file: file('open-p', raw(`title: Paras\ndate: ${DATE}`, `<div>${'<p>para '.repeat(5_000)}</div>\n`)), published: (a) => expectEqual(a.html.split('<p>').length - 1, 5_000) },
    { name: '5,000 unclosed <li>', file: file('open-li', raw(`title: Items\ndate: ${DATE}`, `<ul>${'<li>item '.repeat(5_000)}</ul>\n`)), published: (a) => expectEqual(a.html.split('<li>').length - 1, 5_000) },
    { name: '5,000 <svg><path/> siblings', file: file('svg-paths', raw(`title: Paths\ndate: ${DATE}`, `<svg>${'<path d="M0 0"/>'.repeat(5_000)}</svg> after\n`)), published: (a) => expectMatch(a.html, /after/) },
  ];
}

function markdownCases(): HostileArticle[] {
  const cases: HostileArticle[] = [];
  for (const [pattern, make] of Object.entries(ADVERSARIAL_MARKDOWN)) {
    for (const size of [64 * KB, MiB]) {
      const label = size === MiB ? '1mib' : '64kb';
      cases.push({
        name: `${pattern}, ${label}`,
        file: file(`md-${pattern}-${label}`, raw(`title: "${pattern} ${label}"\ndate: ${DATE}`, `${make(size)}\n`)),
        published: (a) => expectMatch(a.html, /\S/),
      });
    }
  }
  cases.push({
    name: 'one 1 MiB line of words',
    file: file('one-line', raw(`title: Line\ndate: ${DATE}`, `${repeatTo('word ', MiB)}\n`)),
    published: (a) => expectEqual(a.summary.length <= 301 && a.summary.endsWith('…'), true),
  });
  cases.push({ name: 'an empty body', file: file('empty-body', raw(`title: Empty\ndate: ${DATE}`, '')), published: (a) => expectEqual(a.html, '') });
  cases.push({ name: 'a body of blank lines', file: file('blank-body', raw(`title: Blank\ndate: ${DATE}`, '\n\n\n')), published: (a) => expectEqual(a.summary, '') });
  return cases;
}

export function expectEqual<T>(actual: T, expected: T): void {
  if (actual !== expected) throw new Error(`expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

export function expectMatch(actual: string, pattern: RegExp): void {
  if (!pattern.test(actual)) throw new Error(`expected ${JSON.stringify(actual.slice(0, 200))} to match ${pattern}`);
}

export function expectNoMatch(actual: string, pattern: RegExp): void {
  const m = pattern.exec(actual);
  if (m) throw new Error(`expected no ${pattern}, found ${JSON.stringify(actual.slice(Math.max(0, m.index - 40), m.index + 60))}`);
}

export { articleText, file, MiB, KB, DATE };
export { yamlCases, nestingCases, markdownCases };

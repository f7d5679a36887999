import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadArticles } from '../../functions/core/articles/load.ts';
import { importPlainText } from '../../functions/core/importer.ts';
import { contentFile, testSettings } from '../helpers/factories.ts';

const SEED_DIR = join(import.meta.dirname, '../../../shared/seed');
const seedFiles = (() => {
  try {
    return readdirSync(SEED_DIR).filter((f) => f.endsWith('.txt'));
  } catch {
    return [];
  }
})();

function importAndLoad(text: string, title = 'A headline') {
  const result = importPlainText(text, { title, date: '2024-11-20T09:00:00+09:00', author: 'Desk' });
  const loaded = loadArticles([contentFile(`articles/${result.slug}.md`, result.markdown)], testSettings(), new Date('2026-01-01T00:00:00Z'));
  expect(loaded.problems).toEqual([]);
  return { result, article: loaded.articles[0]! };
}

describe.skipIf(seedFiles.length === 0)('importing the seed article', () => {
  let text: string;
  let result: ReturnType<typeof importPlainText>;
  let article: ReturnType<typeof importAndLoad>['article'];
  beforeAll(() => {
    text = readFileSync(join(SEED_DIR, seedFiles[0]!), 'utf8');
    ({ result, article } = importAndLoad(text, 'North Korean troops in Russia were sent without a choice, defector says'));
  });

  it('keeps every paragraph, turns the three subheading lines into h2 and drops "0 Comments"', () => {
    expect(result.paragraphs).toBe(11);
    expect(result.headings).toBe(3);
    expect(result.removed).toEqual(['0 Comments']);
    expect([...article.html.matchAll(/<h2>(.*?)<\/h2>/g)].map((m) => m[1])).toEqual([
      'Deployment Without Choice',
      'Meager Compensation and Harsh Realities',
      'Regime’s Ruthless Intentions',
    ]);
    expect(article.html.match(/<p>/g)).toHaveLength(11);
    expect(article.html).not.toContain('Comments');
  });

  it('keeps typographic quotes and dashes and the dollar amounts as written', () => {
    expect(article.html).toContain('“There’s a real possibility');
    expect(article.html).toContain('$100 a month—barely enough');
    expect(article.html).toContain('$2,000 monthly');
    const words = (s: string) => s.replace(/0 Comments\s*$/, '').split(/\s+/).filter(Boolean).length;
    const htmlWords = article.html.replace(/<[^>]+>/g, ' ').split(/\s+/).filter(Boolean).length;
    expect(htmlWords).toBe(words(text));
  });
});

describe('importing harder plain text', () => {
  it('joins hard-wrapped paragraphs separated by blank lines', () => {
    const text = [
      'The council met on Tuesday to discuss the budget for the coming',
      'year, which includes a rise in spending on schools and roads.',
      '',
      'Residents were invited to comment before the final vote was taken',
      'at the end of the month.',
    ].join('\n');
    const { result, article } = importAndLoad(text);
    expect(result.paragraphs).toBe(2);
    expect(article.html).toContain('<p>The council met on Tuesday to discuss the budget for the coming year, which includes a rise in spending on schools and roads.</p>');
  });

  it('handles CRLF, a BOM, chrome at both ends and a Share line', () => {
    const text = '\uFEFFShare this article\r\nFirst paragraph of the story, which is long enough.\r\nBackground\r\nSecond paragraph follows here.\r\nShare this\r\nTweet\r\n12 Comments\r\n';
    const { result, article } = importAndLoad(text);
    expect(result.removed).toEqual(['Share this article', 'Share this', 'Tweet', '12 Comments']);
    expect(article.html).toBe('<p>First paragraph of the story, which is long enough.</p>\n<h2>Background</h2>\n<p>Second paragraph follows here.</p>\n');
  });

  it('does not mistake sentences, quotes, bylines or the first line for headings', () => {
    const text = ['Short opening line', 'By Jane Smith', '“Quoted words”', 'It rained.', 'The End', 'Final paragraph text.'].join('\n');
    const { result, article } = importAndLoad(text);
    expect(result.headings).toBe(1);
    expect(article.html).toContain('<h2>The End</h2>');
    expect(article.html).toContain('<p>Short opening line</p>');
    expect(article.html).toContain('<p>By Jane Smith</p>');
  });

  it('keeps Markdown-looking text literal: no accidental lists, emphasis, links or HTML', () => {
    const text = ['1. This is not a list, it is a sentence.', '- neither is this dash line', '*stars* and _underscores_ and [brackets](x) and <b>tags</b> and &amp; and # hash', 'Ends here.'].join('\n');
    const { article } = importAndLoad(text);
    expect(article.html).toContain('<p>1. This is not a list, it is a sentence.</p>');
    expect(article.html).toContain('<p>- neither is this dash line</p>');
    expect(article.html).toContain('<p>*stars* and _underscores_ and [brackets](x) and &lt;b&gt;tags&lt;/b&gt; and &amp;amp; and # hash</p>');
    expect(article.html).not.toMatch(/<(ol|ul|em|strong|a|b)\b/);
  });

  it('refuses text with no paragraphs', () => {
    expect(() => importPlainText('0 Comments\n\nShare this\n', { title: 'T', date: '2024-11-20T09:00:00Z' })).toThrow('the text has no article paragraphs');
  });

  it('writes front matter that survives titles with quotes and colons', () => {
    const { article } = importAndLoad('Body text here.', 'Q&A: "Why?" — a #1 story');
    expect(article.title).toBe('Q&A: "Why?" — a #1 story');
    expect(article.slug).toBe('q-a-why-a-1-story');
  });
});

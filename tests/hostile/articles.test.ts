import { describe, expect, it } from 'vitest';
import { loadArticles } from '../../functions/core/articles/load.ts';
import { formatProblem } from '../../functions/core/articles/types.ts';
import { htmlToText } from '../../functions/core/digest/text.ts';
import { articleText, contentFile, testSettings } from '../helpers/factories.ts';
import { MiB } from './corpus/articles.ts';
import { hostileArticles } from './corpus/index.ts';

const NOW = new Date('2026-01-01T00:00:00Z');
// Room for the 1 MiB adversarial bodies (plus their front matter).
const settings = testSettings({ maxArticleBytes: 2 * MiB });
const good = () => contentFile('articles/zz-good.md', articleText({ title: 'Still here' }));

describe('a hostile article is reported or published safely, and nothing else is lost', () => {
  it.each(hostileArticles().map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const out = loadArticles([c.file, good()], settings, NOW);
    const sources = out.articles.map((a) => a.source);
    if (c.problem) {
      expect(out.problems.map(formatProblem)).toEqual([expect.stringMatching(c.problem)]);
      expect(sources).toEqual(['articles/zz-good.md']);
    } else {
      expect(out.problems.map(formatProblem)).toEqual([]);
      expect(sources.sort()).toEqual([c.file.path, 'articles/zz-good.md']);
      const article = out.articles.find((a) => a.source === c.file.path)!;
      c.published?.(article);
      // The digest's text part walks the article HTML: bounded nesting keeps it from overflowing.
      // (html-to-text itself is slower than linear on megabytes of inline markup: left to the digest.)
      if (article.html.length < 256 * 1024) expect(typeof htmlToText(article.html)).toBe('string');
    }
    expect(out.warnings.map(formatProblem)).toEqual((c.warnings ?? []).map((w) => expect.stringMatching(w)));
  });
});

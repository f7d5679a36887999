// A content folder with tags (Unicode, hostile, two spellings of one) and more than one index page.
import { articleText, settingsYaml } from './factories.ts';

const TOPICS = ['Economy', 'Politics', '北朝鮮', 'Q&A', '../../etc/passwd', 'North Korea'];

/** 120 articles (three index pages) in six topics, some with a second spelling of a tag, an image and links. */
export function taggedContent(count = 120): Record<string, string> {
  const files: Record<string, string> = { 'publication.yaml': settingsYaml({ feedItems: 50 }) };
  for (let i = 0; i < count; i++) {
    const tags = [TOPICS[i % TOPICS.length]!, ...(i % 10 === 0 ? ['north-korea'] : []), ...(i === 7 ? ['Only seven'] : [])];
    const date = new Date(Date.UTC(2025, 0, 1) + i * 3_600_000).toISOString();
    files[`articles/a${String(i).padStart(3, '0')}.md`] = articleText(
      { title: `Story ${i}: “${TOPICS[i % TOPICS.length]}”`, date, tags, ...(i % 9 === 0 ? { image: 'https://cdn.example.org/lead.jpg' } : {}) },
      `Story ${i} begins with [a source](https://example.org/${i}) and [the tag page](../tags/economy/index.html).\n\nMore.\n`,
    );
  }
  return files;
}

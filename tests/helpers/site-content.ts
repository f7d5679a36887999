// A content folder with tags (Unicode, hostile, two spellings of one) and more than one index page.
import { articleText, settingsObject, settingsYaml } from './factories.ts';

// Two newsletters, as publication.yaml lists them: the digest of everything and an economy briefing.
const { listId, ...digest } = settingsObject().digest as Record<string, unknown>;
const NEWSLETTERS = [
  { id: 'digest', name: 'The Weekly', schedule: { cron: '0 7 * * 1', timezone: 'UTC' }, listId },
  { id: 'economy', name: 'Economy briefing', schedule: { cron: '0 8 * * 4', timezone: 'UTC' }, listId: 'economy.gazette.example.org', tags: ['economy'], default: false },
];

const TOPICS = ['Economy', 'Politics', '北朝鮮', 'Q&A', '../../etc/passwd', 'North Korea'];

/** 120 articles (three index pages) in six topics, some with a second spelling of a tag, an image and links; two newsletters. */
export function taggedContent(count = 120): Record<string, string> {
  const files: Record<string, string> = { 'publication.yaml': settingsYaml({ feedItems: 50, digest, newsletters: NEWSLETTERS }) };
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

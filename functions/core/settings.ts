import { parseDocument, LineCounter, isMap, isScalar } from 'yaml';
import { z } from 'zod';
import { SettingsError } from './errors.ts';
import type { ContentSource } from './ports.ts';

/** The path of the publication settings file inside the content directory. */
export const SETTINGS_FILE = 'publication.yaml';

const absoluteHttpUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.length > 0;
    } catch {
      return false;
    }
  }, 'must be an absolute http(s) URL, e.g. https://news.example.com/')
  .transform((value) => (value.endsWith('/') ? value : `${value}/`));

const mailbox = z.string().trim().min(3).refine((v) => !/[\r\n]/.test(v), 'must be on one line');

const ianaTimezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Europe/London');

const digestSchema = z
  .object({
    /** `From` header: display name and address, e.g. `Daily Brief <brief@news.example.com>`. */
    from: mailbox,
    replyTo: mailbox.optional(),
    /** The publisher's postal address, shown in every digest footer (CAN-SPAM, CASL). */
    postalAddress: z.string().trim().min(5),
    /** Subject template: `{{lead}}` is the lead article's title, `{{more}}` is "+ N more" or empty. */
    subject: z.string().trim().min(1).default('{{lead}}{{more}}'),
    mode: z.enum(['summary', 'full']).default('summary'),
    maxArticles: z.number().int().min(1).max(100).default(10),
    /** How far back the very first issue reaches. */
    lookbackDays: z.number().int().min(1).max(365).default(7),
    schedule: z
      .object({
        cron: z.string().trim().min(9).default('0 7 * * 1'),
        timezone: ianaTimezone.default('UTC'),
      })
      .prefault({}),
    /** Public base URL of the HTTP API (subscribe, confirm, unsubscribe). */
    apiUrl: absoluteHttpUrl,
    /** Address that receives `mailto:` unsubscribe requests (List-Unsubscribe). */
    unsubscribeMailto: z.string().trim().email(),
    /** Stable list identifier for the `List-Id` header, e.g. `brief.news.example.com`. */
    listId: z.string().trim().regex(/^[A-Za-z0-9.-]+$/, 'letters, digits, dots and dashes only'),
  });

export const settingsSchema = z.object({
  title: z.string().trim().min(1),
  description: z.string().trim().min(1),
  siteUrl: absoluteHttpUrl,
  language: z.string().trim().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as en or en-GB'),
  author: z.object({ name: z.string().trim().min(1), email: z.string().trim().email().optional() }),
  copyright: z.string().trim().min(1),
  /** How many of the newest articles each feed carries. */
  feedItems: z.number().int().min(1).max(1000).default(50),
  /** Articles larger than this are reported and left out. */
  maxArticleBytes: z.number().int().min(1024).default(1024 * 1024),
  digest: digestSchema,
});

export type Settings = z.infer<typeof settingsSchema>;
export type DigestSettings = Settings['digest'];

/**
 * Parses and validates the publication settings (YAML). Every problem is reported as
 * `file:line: field: message` in one SettingsError.
 */
export function parseSettings(text: string, file = SETTINGS_FILE): Settings {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const line = lineCounter.linePos(first.pos[0]).line;
    throw new SettingsError(`${file}${line ? `:${line}` : ''}: invalid YAML: ${first.message.split('\n')[0]}`);
  }
  const result = settingsSchema.safeParse(doc.toJS() ?? {});
  if (result.success) return result.data;
  const messages = result.error.issues.map((issue) => {
    const path = issue.path.map(String);
    const line = lineOf(doc, lineCounter, path);
    return `${file}${line ? `:${line}` : ''}: ${path.join('.') || '(root)'}: ${issue.message}`;
  });
  throw new SettingsError(messages.join('\n'));
}

/** The line of the deepest existing key along `path` in a YAML document, for error messages. */
export function lineOf(doc: ReturnType<typeof parseDocument>, counter: LineCounter, path: string[]): number | undefined {
  let node: unknown = doc.contents;
  let line: number | undefined;
  for (const key of path) {
    if (!isMap(node)) break;
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
    if (!pair) break;
    const range = isScalar(pair.key) ? pair.key.range : undefined;
    if (range) line = counter.linePos(range[0]).line;
    node = pair.value;
  }
  return line;
}

/** Reads and validates the publication settings from a content source. */
export async function loadSettings(content: ContentSource): Promise<Settings> {
  const bytes = await content.read(SETTINGS_FILE);
  if (!bytes) throw new SettingsError(`${SETTINGS_FILE}: not found in the content directory`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new SettingsError(`${SETTINGS_FILE}: not valid UTF-8 text`, { cause });
  }
  return parseSettings(text);
}

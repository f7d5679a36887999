import { Cron } from 'croner';
import { parseDocument, LineCounter, isMap, isScalar, isSeq, visit } from 'yaml';
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

const cronPattern = z
  .string()
  .trim()
  .min(9)
  .refine((pattern) => {
    try {
      new Cron(pattern, { paused: true });
      return true;
    } catch {
      return false;
    }
  }, 'must be a cron pattern of five fields, e.g. "0 7 * * 1" (Mondays at 07:00)');

const scheduleSchema = z.object({ cron: cronPattern, timezone: ianaTimezone.default('UTC') });

/** The schedule of a publication whose settings name none (the single `digest:`): Mondays at 07:00 UTC. */
const DEFAULT_SCHEDULE = { cron: '0 7 * * 1', timezone: 'UTC' } as const;

/** A `List-Id` (RFC 2919): letters, digits, dots and dashes, e.g. `brief.news.example.com`. */
const listIdSchema = z.string().trim().regex(/^[A-Za-z0-9.-]+$/, 'letters, digits, dots and dashes only');

/** What the greeting shows when a subscriber has no name: "Hi {{name}}" becomes "Hi there". */
const nameFallbackSchema = z.string().trim().max(60).refine((v) => !/[\x00-\x1f\x7f]/.test(v), 'must be on one line');

const digestSchema = z.object({
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
  /** When issues go out; with `newsletters:`, each newsletter has its own instead. */
  schedule: scheduleSchema.optional(),
  /** Public base URL of the HTTP API (subscribe, confirm, unsubscribe, preferences). */
  apiUrl: absoluteHttpUrl,
  /** Address that receives `mailto:` unsubscribe requests (List-Unsubscribe). */
  unsubscribeMailto: z.string().trim().email(),
  /** Stable list identifier for the `List-Id` header; with `newsletters:`, each newsletter has its own instead. */
  listId: listIdSchema.optional(),
  nameFallback: nameFallbackSchema.default('there'),
});

/**
 * One newsletter of `newsletters:` (see docs/newsletters.md). Fields it leaves out come from `digest:`.
 * Unknown keys are refused, so a misspelt `excludeTags` is an error rather than a newsletter of everything.
 */
const newsletterSchema = z.strictObject({
  /** Stored with every subscriber's choices and in issue ids: never rename it. */
  id: z.string().trim().regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, 'lower-case letters, digits and dashes (at most 40), e.g. economy'),
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(500).default(''),
  schedule: scheduleSchema,
  /** Carries articles with any of these tags; none: every article. */
  tags: z.array(z.string().trim().min(1)).default([]),
  /** Never carries articles with any of these tags. */
  excludeTags: z.array(z.string().trim().min(1)).default([]),
  mode: z.enum(['summary', 'full']).optional(),
  subject: z.string().trim().min(1).optional(),
  from: mailbox.optional(),
  replyTo: mailbox.optional(),
  listId: listIdSchema,
  /** Ticked for a new subscriber (and given to one who chooses nothing). */
  default: z.boolean().default(true),
  maxArticles: z.number().int().min(1).max(100).optional(),
  lookbackDays: z.number().int().min(1).max(365).optional(),
  nameFallback: nameFallbackSchema.optional(),
});

export type NewsletterSettings = z.infer<typeof newsletterSchema>;

const settingsObject = z.object({
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
  /** The newsletters readers choose from; absent: `digest:` is the one newsletter (id `digest`). */
  newsletters: z.array(newsletterSchema).min(1, 'name at least one newsletter, or leave newsletters out for the single digest').optional(),
});

function checkNewsletters(s: z.infer<typeof settingsObject>, ctx: z.RefinementCtx): void {
  if (!s.newsletters) {
    if (!s.digest.listId) ctx.addIssue({ code: 'custom', path: ['digest', 'listId'], message: 'is required (or give each newsletter of newsletters: its own listId)' });
    return;
  }
  if (s.digest.listId) ctx.addIssue({ code: 'custom', path: ['digest', 'listId'], message: 'with newsletters:, each newsletter has its own listId: move this one to its newsletter' });
  if (s.digest.schedule) ctx.addIssue({ code: 'custom', path: ['digest', 'schedule'], message: 'with newsletters:, each newsletter has its own schedule: move this one to its newsletter' });
  const seen = { id: new Map<string, number>(), listId: new Map<string, number>() };
  s.newsletters.forEach((newsletter, index) => {
    for (const field of ['id', 'listId'] as const) {
      const value = field === 'listId' ? newsletter.listId.toLowerCase() : newsletter.id;
      const first = seen[field].get(value);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['newsletters', index, field], message: `"${newsletter[field]}" is already the ${field} of newsletter ${first + 1}` });
      else seen[field].set(value, index);
    }
  });
}

export const settingsSchema = settingsObject.superRefine(checkNewsletters).transform((s) => {
  // Code that knows one digest reads `digest.listId` and `digest.schedule`: with newsletters, the first one's.
  const first = s.newsletters?.[0];
  return { ...s, digest: { ...s.digest, listId: s.digest.listId ?? first!.listId, schedule: s.digest.schedule ?? first?.schedule ?? { ...DEFAULT_SCHEDULE } } };
});

export type Settings = z.infer<typeof settingsSchema>;
export type DigestSettings = Settings['digest'];

/** Aliases may expand to at most this many nodes: a "billion laughs" document is refused, not expanded. */
export const YAML_MAX_ALIAS_COUNT = 16;
/** Collections may nest at most this deep (settings and front matter are a few levels). */
export const YAML_MAX_DEPTH = 32;

export type YamlRead =
  | { ok: true; doc: ReturnType<typeof parseDocument>; counter: LineCounter; value: unknown }
  | { ok: false; line: number | undefined; message: string };

/** The deepest `[`/`{` nesting of flow collections, counted before the (recursive) parser runs. */
function flowDepth(text: string): { depth: number; index: number } {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"') i++;
    } else if ((c === '"' || c === "'") && /^[\s[{,:]?$/.test(text[i - 1] ?? '')) quote = c;
    else if (c === '[' || c === '{') {
      if (++depth > YAML_MAX_DEPTH) return { depth, index: i };
    } else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
  return { depth, index: -1 };
}

/** Nesting depth of a plain value, walked without recursion. */
function valueDepth(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object' || node instanceof Date) continue;
    max = Math.max(max, depth + 1);
    if (max > YAML_MAX_DEPTH) return max;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return max;
}

/**
 * Parses one YAML document with the limits above (aliases, depth) and duplicate keys refused.
 * Problems come back as a 1-based line (when known) and a one-line message; nothing throws.
 */
export function readYaml(text: string, where = ''): YamlRead {
  const yaml = where ? `YAML ${where}` : 'YAML';
  const counter = new LineCounter();
  const lineAt = (offset: number) => counter.linePos(offset).line;
  const flow = flowDepth(text);
  if (flow.index >= 0) {
    const line = text.slice(0, flow.index).split('\n').length;
    return { ok: false, line, message: `${yaml} nests deeper than ${YAML_MAX_DEPTH} levels` };
  }
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    return { ok: false, line: lineAt(first.pos[0]) || undefined, message: `invalid ${yaml}: ${first.message.split('\n')[0]}` };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: YAML_MAX_ALIAS_COUNT });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/alias/i.test(message)) {
      let line: number | undefined;
      visit(doc, {
        Alias(_, node) {
          line = node.range ? lineAt(node.range[0]) : undefined;
          return visit.BREAK;
        },
      });
      return { ok: false, line, message: `${yaml} has aliases that expand to too many values (at most ${YAML_MAX_ALIAS_COUNT}): write the values out` };
    }
    return { ok: false, line: undefined, message: `invalid ${yaml}: ${message.split('\n')[0]}` };
  }
  if (valueDepth(value) > YAML_MAX_DEPTH) return { ok: false, line: undefined, message: `${yaml} nests deeper than ${YAML_MAX_DEPTH} levels` };
  return { ok: true, doc, counter, value };
}

/**
 * Parses and validates the publication settings (YAML). Every problem is reported as
 * `file:line: field: message` in one SettingsError.
 */
export function parseSettings(text: string, file = SETTINGS_FILE): Settings {
  const read = readYaml(text);
  if (!read.ok) throw new SettingsError(`${file}${read.line ? `:${read.line}` : ''}: ${read.message}`);
  const { doc, counter: lineCounter } = read;
  const result = settingsSchema.safeParse(read.value ?? {});
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
    if (isSeq(node)) {
      const item = node.items[Number(key)];
      const range = (item as { range?: [number, number, number] } | undefined)?.range;
      if (!item || !range) break;
      line = counter.linePos(range[0]).line;
      node = item;
      continue;
    }
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

import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { lineOf } from '../settings.ts';

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

const isoDate = z.preprocess(
  (value) => (value instanceof Date ? value.toISOString() : value),
  z
    .string({ error: 'is required' })
    .trim()
    .refine((v) => ISO_WITH_OFFSET.test(v) && !Number.isNaN(Date.parse(v)), {
      error: (issue) =>
        `${JSON.stringify(issue.input)} is not an ISO 8601 date-time with an offset, e.g. 2024-11-20T09:00:00+09:00`,
    })
    .transform((v) => new Date(v)),
);

export const frontMatterSchema = z.object({
  title: z
    .string({ error: 'is required (a line such as `title: "My headline"`)' })
    .trim()
    .min(1, 'must not be empty'),
  date: isoDate,
  updated: isoDate.optional(),
  author: z.string().trim().min(1).optional(),
  summary: z.string().trim().min(1).optional(),
  tags: z
    .union([z.string().trim().min(1).transform((t) => [t]), z.array(z.string().trim().min(1))])
    .default([]),
  image: z.string().trim().min(1).optional(),
  slug: z
    .string()
    .trim()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lower-case letters, digits and single dashes, e.g. my-first-article')
    .max(120)
    .optional(),
  id: z.string().trim().min(1).optional(),
  draft: z.boolean().default(false),
});

export type FrontMatter = z.infer<typeof frontMatterSchema>;

export type FrontMatterResult =
  | { ok: true; data: FrontMatter; body: string; bodyLine: number }
  | { ok: false; line: number | undefined; message: string };

const BLOCK = /^---[ \t]*\n([\s\S]*?)\n?(?:---|\.\.\.)[ \t]*(?:\n|$)/;

/** Splits a content file's text into validated front matter and its Markdown body. */
export function parseFrontMatter(text: string): FrontMatterResult {
  const match = BLOCK.exec(text);
  if (!match) {
    return {
      ok: false,
      line: 1,
      message: 'no front matter: the file must start with a `---` line, then `title:` and `date:`, then `---`',
    };
  }
  const yamlText = match[1] ?? '';
  const counter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    const line = counter.linePos(error.pos[0]).line;
    return { ok: false, line: line + 1, message: `invalid YAML in front matter: ${error.message.split('\n')[0]}` };
  }
  const raw: unknown = doc.toJS();
  if (raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
    return { ok: false, line: 2, message: 'front matter must be a YAML mapping of `key: value` lines' };
  }
  const result = frontMatterSchema.safeParse(raw ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.path.map(String);
    const keyLine = lineOf(doc, counter, path);
    return {
      ok: false,
      line: keyLine ? keyLine + 1 : 1,
      message: `${path.join('.') || 'front matter'}: ${issue.message}`,
    };
  }
  const consumed = match[0];
  const bodyLine = consumed.split('\n').length - (consumed.endsWith('\n') ? 1 : 0) + 1;
  return { ok: true, data: result.data, body: text.slice(consumed.length), bodyLine };
}

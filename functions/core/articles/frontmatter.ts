import { z } from 'zod';
import { lineOf, readYaml } from '../settings.ts';
import { parseCalendarDateTime } from './dates.ts';
import { entryIdProblem } from './ids.ts';

const isoDate = z.preprocess(
  (value) => (value instanceof Date ? value.toISOString() : value),
  z
    .string({ error: 'is required' })
    .trim()
    .transform((text, ctx) => {
      const parsed = parseCalendarDateTime(text);
      if (parsed.ok) return parsed.date;
      ctx.addIssue({ code: 'custom', message: parsed.message, input: text });
      return z.NEVER;
    }),
);

// Something a reader can see: not only spaces, zero-width or formatting characters.
const visible = (text: string) => /[^\s\p{Cf}]/u.test(text);

export const frontMatterSchema = z.object({
  title: z
    .string({ error: 'is required (a line such as `title: "My headline"`)' })
    .trim()
    .min(1, 'must not be empty')
    .refine(visible, 'must contain visible text'),
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
  id: z
    .string()
    .trim()
    .min(1)
    .superRefine((id, ctx) => {
      const problem = entryIdProblem(id);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  draft: z.boolean().default(false),
});

export type FrontMatter = z.infer<typeof frontMatterSchema>;

export type FrontMatterResult =
  | { ok: true; data: FrontMatter; body: string; bodyLine: number; lineOfKey: (key: string) => number | undefined }
  | { ok: false; line: number | undefined; message: string };

/** Front matter is a few lines; a larger block is refused before YAML sees it. */
export const MAX_FRONT_MATTER_BYTES = 64 * 1024;

// The closing `---` (or `...`) must stand on its own line.
const BLOCK = /^---[ \t]*\n(?:([\s\S]*?)\n)?(?:---|\.\.\.)[ \t]*(?:\n|$)/;

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
  if (yamlText.length > MAX_FRONT_MATTER_BYTES) {
    return { ok: false, line: 1, message: `front matter is over ${MAX_FRONT_MATTER_BYTES / 1024} KB: keep it to the fields an article needs` };
  }
  const read = readYaml(yamlText, 'in front matter');
  // Lines inside the block are shifted by the opening `---`.
  if (!read.ok) return { ok: false, line: read.line ? read.line + 1 : 1, message: read.message };
  const raw = read.value;
  if (raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
    return { ok: false, line: 2, message: 'front matter must be a YAML mapping of `key: value` lines' };
  }
  const result = frontMatterSchema.safeParse(raw ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.path.map(String);
    const keyLine = lineOf(read.doc, read.counter, path);
    return {
      ok: false,
      line: keyLine ? keyLine + 1 : 1,
      message: `${path.join('.') || 'front matter'}: ${issue.message}`,
    };
  }
  const consumed = match[0];
  const bodyLine = consumed.split('\n').length - (consumed.endsWith('\n') ? 1 : 0) + 1;
  const lineOfKey = (key: string) => {
    const line = lineOf(read.doc, read.counter, [key]);
    return line ? line + 1 : undefined;
  };
  return { ok: true, data: result.data, body: text.slice(consumed.length), bodyLine, lineOfKey };
}

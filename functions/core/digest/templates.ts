import mjml2html from 'mjml';
import Mustache from 'mustache';
import { escapeHtml } from '../articles/html.ts';
import type { TemplateSource } from '../ports.ts';
import { DigestError } from './errors.ts';

/**
 * Email templates: MJML with Mustache values. `{{> name}}` includes `partials/name.mjml`. Every
 * `{{value}}` is HTML-escaped; only `{{{html}}}` (sanitised article HTML) is taken as is.
 */
export interface EmailTemplate {
  name: string;
  main: string;
  partials: Record<string, string>;
}

const PARTIAL = /\{\{>\s*([A-Za-z0-9_-]+)\s*\}\}/g;

/** Loads an email template and every partial it includes, however deep. */
export async function loadEmailTemplate(source: TemplateSource, name: string): Promise<EmailTemplate> {
  const main = await source.load(name);
  const partials: Record<string, string> = {};
  const pending = [...main.matchAll(PARTIAL)].map((m) => m[1]!);
  while (pending.length > 0) {
    const partial = pending.pop()!;
    if (partial in partials) continue;
    const text = await source.load(`partials/${partial}.mjml`);
    partials[partial] = text;
    pending.push(...[...text.matchAll(PARTIAL)].map((m) => m[1]!));
  }
  return { name, main, partials };
}

const escapeValue = (value: unknown): string => escapeHtml(String(value));
const asIs = (value: unknown): string => String(value);

/** Fills a Mustache template whose output is plain text (a subject line): nothing is escaped. */
export function fillText(template: string, view: object): string {
  return Mustache.render(template, view, {}, { escape: asIs });
}

// Indentation is a fifth of MJML's output; it is dropped except inside <pre>, where it is content.
function compact(html: string): string {
  return html
    .split(/(<pre\b[\s\S]*?<\/pre>)/i)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/\n[ \t]*/g, '\n').replace(/\n{2,}/g, '\n')))
    .join('');
}

/** Fills the template with `view` and renders the MJML to HTML (async; ~10 ms warm). */
export async function renderEmail(template: EmailTemplate, view: object): Promise<string> {
  const source = Mustache.render(template.main, view, template.partials, { escape: escapeValue });
  let result: Awaited<ReturnType<typeof mjml2html>>;
  try {
    result = await mjml2html(source, { validationLevel: 'strict', keepComments: false });
  } catch (cause) {
    const details = (cause as { errors?: { line?: number; message?: string }[] }).errors;
    const message = details?.map((e) => `line ${e.line} of the filled template: ${e.message}`).join('; ') ?? (cause as Error).message;
    throw new DigestError(`templates/${template.name}: ${message}`, { cause });
  }
  return compact(result.html);
}

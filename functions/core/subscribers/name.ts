/** The longest name kept, in characters (a greeting, a `To` display name). */
export const MAX_NAME_CHARS = 100;

// Control characters (C0, DEL, C1), line and paragraph separators, text-direction overrides and isolates.
const REFUSED = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

export type NameResult = { ok: true; name: string | undefined } | { ok: false; reason: string };

/**
 * A subscriber's name as given (a form, an import, the preferences page): trimmed, inner runs of spaces
 * made one; empty is no name. Refused when it is not text, is longer than MAX_NAME_CHARS or holds a
 * control, line-break or text-direction character. Names are shown escaped in HTML and go into headers
 * only as RFC 2047 encoded-words (mime/headers.ts).
 */
export function normaliseName(raw: unknown): NameResult {
  if (raw === undefined || raw === null) return { ok: true, name: undefined };
  if (typeof raw !== 'string') return { ok: false, reason: 'a name must be text' };
  if (raw.length > MAX_NAME_CHARS * 4) return { ok: false, reason: `a name may be at most ${MAX_NAME_CHARS} characters` };
  if (REFUSED.test(raw)) return { ok: false, reason: 'a name must be on one line, without control characters' };
  const name = raw.normalize('NFC').trim().replace(/\s+/g, ' ');
  if ([...name].length > MAX_NAME_CHARS) return { ok: false, reason: `a name may be at most ${MAX_NAME_CHARS} characters` };
  return { ok: true, name: name === '' ? undefined : name };
}

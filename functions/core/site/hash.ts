import { createHash } from 'node:crypto';

/** The content hash the build compares and records: SHA-256, base64url. */
export function contentHash(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('base64url');
}

/** One key for several inputs (code version, settings, templates…): changes when any of them does. */
export function keyOf(...parts: string[]): string {
  return keyOfAll(parts);
}

/** keyOf for a list of any length (a spread of 100,000 arguments would not fit the stack). */
export function keyOfAll(parts: Iterable<string>): string {
  // Each part with its length, so no two lists of parts give one text; hashed in one call (a list page's key has a hundred parts).
  let text = '';
  for (const part of parts) text += `${part.length}:${part}`;
  return createHash('sha256').update(text).digest('base64url');
}

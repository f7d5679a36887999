import { createHash } from 'node:crypto';

/** The content hash the build compares and records: SHA-256, base64url. */
export function contentHash(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('base64url');
}

/** One key for several inputs (code version, settings, templates…): changes when any of them does. */
export function keyOf(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part.length}:`).update(part);
  return hash.digest('base64url');
}

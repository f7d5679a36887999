/** The most a content source reads of one file when its caller names no limit (the settings file, say). */
export const DEFAULT_MAX_READ_BYTES = 16 * 1024 * 1024;

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** Why a file over the limit is not read, naming the setting that raises the limit when there is one. */
export function tooLarge(size: number, limit: number, limitName?: string): string {
  let [have, max] = [sizeText(size), sizeText(limit)];
  if (have === max) [have, max] = [`${size} bytes`, `${limit} bytes`];
  return `${have}, over the ${max} limit${limitName ? ` (${limitName})` : ''}: not read`;
}

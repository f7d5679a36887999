import * as z from '../schema.ts';
import type { SiteOutput } from '../ports.ts';

/** The name under which a site output keeps the manifest (files: `.newsletter/site-manifest.json`). */
export const MANIFEST_STATE = 'site-manifest.json';

/**
 * What the last build of a site wrote, kept beside the site where it is not served. Only paths listed
 * in `files` are ever removed by a later build; `shared` files are compared but never removed.
 */
export interface SiteManifest {
  format: 1;
  /** The time the build published for: every article dated at or before it, and no other. */
  now: string;
  /** The date of the earliest scheduled (not draft) article, or null: a build at or after it publishes it. */
  nextEmbargo: string | null;
  /** The articles the site carries, newest first. */
  published: { id: string; path: string; date: string }[];
  /** Files the build owns, path → content hash (see hash.ts). */
  files: Record<string, string>;
  /** Files the build writes where other writers also put files (issue archive pages): compared, never removed. */
  shared: Record<string, string>;
}

// A path inside the site: no absolute paths, no `..`, no dot-files, no backslashes.
const sitePath = z.string().check(z.regex(/^(?!.*(?:^|\/)\.)[^\\\0]+$/), z.refine((p) => !p.startsWith('/') && !p.split('/').includes('')));
const isoTime = z.string().check(z.refine((v) => !Number.isNaN(Date.parse(v))));
const manifestSchema = z.object({
  format: z.literal(1),
  now: isoTime,
  nextEmbargo: z.nullable(isoTime),
  published: z.array(z.object({ id: z.string(), path: sitePath, date: isoTime })),
  files: z.record(sitePath, z.string()),
  shared: z.record(sitePath, z.string()),
});

/** Reads a manifest; anything unreadable or malformed is no manifest (the next build writes everything). */
export function parseManifest(bytes: Uint8Array | undefined): SiteManifest | undefined {
  if (!bytes) return undefined;
  try {
    const result = manifestSchema.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
    return result.success ? (result.data as SiteManifest) : undefined;
  } catch {
    return undefined;
  }
}

export function serialiseManifest(manifest: SiteManifest): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(manifest)}\n`);
}

/** The manifest of the last build of this output, if it has one. */
export async function readSiteManifest(output: SiteOutput): Promise<SiteManifest | undefined> {
  return parseManifest(await output.loadState?.(MANIFEST_STATE));
}

/**
 * Whether the site must be rebuilt at `now` for the calendar's sake: never built (or no manifest),
 * or the time of an embargoed article has come. Content changes are a separate reason to build.
 */
export function rebuildDue(manifest: SiteManifest | undefined, now: Date): boolean {
  if (!manifest) return true;
  return manifest.nextEmbargo !== null && Date.parse(manifest.nextEmbargo) <= now.getTime();
}

/** The permanent ids of the articles the site has published (a digest carries no others). */
export function publishedArticleIds(manifest: SiteManifest | undefined): Set<string> {
  return new Set((manifest?.published ?? []).map((p) => p.id));
}

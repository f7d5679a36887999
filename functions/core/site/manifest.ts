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
  /**
   * For files made from many articles (list pages, feeds, the sitemap), a key of everything they were
   * made from: a later build with the same key keeps the file without rendering it again.
   */
  inputs?: Record<string, string>;
}

// A path inside the site: relative, no empty or dot-led segment (so no `..`), no backslash or NUL.
const SITE_PATH = /^(?!\/)(?!.*(?:^|\/)(?:\.|\/|$))[^\\\0]+$/;

const isTime = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));

function isHashes(v: unknown): v is Record<string, string> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  for (const [path, hash] of Object.entries(v)) if (!SITE_PATH.test(path) || typeof hash !== 'string') return false;
  return true;
}

function isManifest(v: Partial<SiteManifest> | null): v is SiteManifest {
  return (
    typeof v === 'object' &&
    v !== null &&
    v.format === 1 &&
    isTime(v.now) &&
    (v.nextEmbargo === null || isTime(v.nextEmbargo)) &&
    Array.isArray(v.published) &&
    v.published.every((p) => typeof p?.id === 'string' && typeof p.path === 'string' && SITE_PATH.test(p.path) && isTime(p.date)) &&
    isHashes(v.files) &&
    isHashes(v.shared) &&
    (v.inputs === undefined || isHashes(v.inputs))
  );
}

/** Reads a manifest; anything unreadable or malformed is no manifest (the next build writes everything). */
export function parseManifest(bytes: Uint8Array | undefined): SiteManifest | undefined {
  if (!bytes) return undefined;
  try {
    const value = JSON.parse(new TextDecoder().decode(bytes)) as Partial<SiteManifest> | null;
    return isManifest(value) ? value : undefined;
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

/** The ids the site's last build published; undefined when the site was never built (nothing to go by). */
export async function readPublishedIds(output: SiteOutput): Promise<Set<string> | undefined> {
  const manifest = await readSiteManifest(output);
  return manifest && publishedArticleIds(manifest);
}

import type { ContentFile } from './articles/types.ts';

/** How much of one file a content source reads. */
export interface ReadOptions {
  /** Files larger than this are listed as unreadable and never read (e.g. the settings' maxArticleBytes). */
  maxBytes?: number;
  /** The setting that sets `maxBytes`, named in the message for a file over it. */
  limitName?: string;
}

/** One file of a content listing, not yet read. */
export interface ContentEntry {
  /** Path relative to the content root, with forward slashes. */
  path: string;
  /**
   * Changes whenever the file's bytes change (S3: the ETag; files: inode, size and times), or
   * undefined when the source cannot tell cheaply: the file must then be read to know.
   */
  version: string | undefined;
  /** Set when the file cannot be read safely (a device, a symlink leaving the root, too large): it is not read. */
  unreadable?: string;
}

/** A file read from a listing, with the version of the bytes actually read (see ContentEntry). */
export interface VersionedFile extends ContentFile {
  version: string | undefined;
}

/** Where content files (settings and articles) come from: a directory locally, a bucket on AWS. */
export interface ContentSource {
  /**
   * Every file under the content root, paths relative to it with forward slashes. A file that cannot
   * be read safely is listed with `unreadable` set and empty bytes; one such file never fails the listing.
   */
  list(options?: ReadOptions): Promise<ContentFile[]>;
  /** One file, or undefined when it does not exist. */
  read(path: string): Promise<Uint8Array | undefined>;
  /** The listing without reading any file, for builds that read only what changed. */
  entries?(options?: ReadOptions): Promise<ContentEntry[]>;
  /** Reads these entries of a listing as `list` does; an entry deleted meanwhile is left out. */
  readEntries?(entries: readonly ContentEntry[], options?: ReadOptions): Promise<VersionedFile[]>;
}

/**
 * Where the public site (feeds, pages) is written: a directory locally, a bucket on AWS. The optional
 * members let a build write only what changed and remove what it no longer produces.
 */
/** The folder of a site output that holds the build's own records (manifest, cache): never served. */
export const SITE_STATE_DIR = '.newsletter';

export interface SiteOutput {
  write(path: string, body: string | Uint8Array, contentType: string): Promise<void>;
  /** Deletes one file of the site; a file that is already gone is no error. */
  remove?(path: string): Promise<void>;
  /**
   * The site files that exist now, when the output can tell cheaply; undefined means "trust the
   * manifest". Used to rewrite a page someone deleted by hand.
   */
  existing?(): Promise<ReadonlySet<string> | undefined>;
  /** The build's own records (manifest, cache) by name, kept where the site does not serve them. */
  loadState?(name: string): Promise<Uint8Array | undefined>;
  saveState?(name: string, body: Uint8Array): Promise<void>;
}

/** Designer-editable templates by file name (e.g. `article.html`). */
export interface TemplateSource {
  load(name: string): Promise<string>;
}

/** Structured, one-line-per-event logging. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** One raw MIME message for one recipient. */
export interface OutgoingMessage {
  /** Envelope sender (bare address). */
  from: string;
  /** Envelope recipient (bare address). */
  to: string;
  /** The complete message: headers and body, CRLF line endings. */
  raw: Uint8Array;
  /** Labels the mail service carries into its events (SES message tags), e.g. issue and subscriber ids. */
  tags?: Record<string, string>;
}

/** Sends raw messages: SES SendRawEmail on AWS, an outbox directory locally. */
export interface Mailer {
  /** `throttled`: how many times the service asked to slow down before it took the message. */
  send(message: OutgoingMessage): Promise<{ messageId: string; throttled?: number }>;
}

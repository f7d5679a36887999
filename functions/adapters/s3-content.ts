import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import type { ContentFile } from '../core/articles/types.ts';
import type { ContentEntry, ContentSource, ReadOptions, VersionedFile } from '../core/ports.ts';
import { DEFAULT_MAX_READ_BYTES, tooLarge } from './read-limits.ts';

export interface S3Location {
  bucket: string;
  /** Key prefix that plays the role of the content directory, e.g. `content/`; empty for the whole bucket. */
  prefix?: string | undefined;
}

/** Normalises a prefix to `''` or `something/`. */
export function normalisePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  return trimmed ? `${trimmed}/` : '';
}

function isNoSuchKey(error: unknown): boolean {
  return error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey';
}

/** An ETag without its quotes: the MD5 of the bytes for objects uploaded in one part. */
export function bareEtag(etag: string | undefined): string | undefined {
  return etag?.replace(/^W\//, '').replace(/^"|"$/g, '') || undefined;
}

/**
 * Content files (settings and articles) from an S3 bucket, optionally under a key prefix. The listing
 * gives each object's size and ETag, so an object over the size limit is never fetched and a build
 * reads only the objects whose ETag changed. One object that cannot be read is reported with
 * `unreadable`; it never fails the listing.
 */
export class S3ContentSource implements ContentSource {
  private readonly prefix: string;
  private readonly limit = pLimit(16);

  constructor(
    private readonly s3: S3Client,
    private readonly location: S3Location,
  ) {
    this.prefix = normalisePrefix(location.prefix);
  }

  async list(options: ReadOptions = {}): Promise<ContentFile[]> {
    return this.readEntries(await this.entries(options), options);
  }

  async entries(options: ReadOptions = {}): Promise<ContentEntry[]> {
    const max = options.maxBytes ?? DEFAULT_MAX_READ_BYTES;
    const out: ContentEntry[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.location.bucket, Prefix: this.prefix || undefined, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        const path = object.Key?.slice(this.prefix.length);
        // Folder markers and hidden files (`.DS_Store`, `.git/…`) are not content, as on disk.
        if (!path || path.endsWith('/') || path.split('/').some((part) => part.startsWith('.'))) continue;
        const size = object.Size ?? 0;
        if (size > max) out.push({ path, version: undefined, unreadable: tooLarge(size, max, options.limitName) });
        else out.push({ path, version: bareEtag(object.ETag) });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async readEntries(entries: readonly ContentEntry[], options: ReadOptions = {}): Promise<VersionedFile[]> {
    const max = options.maxBytes ?? DEFAULT_MAX_READ_BYTES;
    const files = await Promise.all(
      entries.map((entry) =>
        this.limit(async (): Promise<VersionedFile | undefined> => {
          const fail = (unreadable: string): VersionedFile => ({ path: entry.path, bytes: new Uint8Array(0), unreadable, version: undefined });
          if (entry.unreadable !== undefined) return fail(entry.unreadable);
          try {
            const got = await this.fetch(entry.path, max, options.limitName);
            if (got === undefined) return undefined;
            return typeof got === 'string' ? fail(got) : { path: entry.path, bytes: got.bytes, version: got.version };
          } catch (error) {
            return fail(`cannot be read from s3://${this.location.bucket}/${this.prefix}${entry.path} (${(error as Error).name}: ${(error as Error).message})`);
          }
        }),
      ),
    );
    // An object deleted between listing and reading is simply not there any more.
    return files.filter((file): file is VersionedFile => file !== undefined);
  }

  async read(path: string): Promise<Uint8Array | undefined> {
    if (path.split('/').includes('..')) throw new Error(`path ${path} is outside the content location`);
    let got;
    try {
      got = await this.fetch(path, DEFAULT_MAX_READ_BYTES);
    } catch (error) {
      throw new Error(`s3://${this.location.bucket}/${this.prefix}${path} cannot be read`, { cause: error });
    }
    if (typeof got === 'string') throw new Error(`s3://${this.location.bucket}/${this.prefix}${path}: ${got}`);
    return got?.bytes;
  }

  /** One object's bytes and ETag, undefined when it does not exist, or why it is not read. */
  private async fetch(path: string, max: number, limitName?: string): Promise<{ bytes: Uint8Array; version: string | undefined } | string | undefined> {
    let object;
    try {
      object = await this.s3.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: this.prefix + path }));
    } catch (error) {
      if (isNoSuchKey(error)) return undefined;
      throw error;
    }
    // The object may have grown since it was listed.
    if ((object.ContentLength ?? 0) > max) {
      (object.Body as { destroy?: () => void } | undefined)?.destroy?.();
      return tooLarge(object.ContentLength!, max, limitName);
    }
    const bytes = object.Body ? await object.Body.transformToByteArray() : new Uint8Array();
    if (bytes.length > max) return tooLarge(bytes.length, max, limitName);
    return { bytes, version: bareEtag(object.ETag) };
  }
}

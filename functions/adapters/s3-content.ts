import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import type { ContentFile } from '../core/articles/types.ts';
import type { ContentSource } from '../core/ports.ts';

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

/** Content files (settings and articles) from an S3 bucket, optionally under a key prefix. */
export class S3ContentSource implements ContentSource {
  private readonly prefix: string;
  private readonly limit = pLimit(16);

  constructor(
    private readonly s3: S3Client,
    private readonly location: S3Location,
  ) {
    this.prefix = normalisePrefix(location.prefix);
  }

  async list(): Promise<ContentFile[]> {
    const paths: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.location.bucket, Prefix: this.prefix || undefined, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        const path = object.Key?.slice(this.prefix.length);
        // Folder markers and hidden files (`.DS_Store`, `.git/…`) are not content, as on disk.
        if (!path || path.endsWith('/') || path.split('/').some((part) => part.startsWith('.'))) continue;
        paths.push(path);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    paths.sort();
    const files = await Promise.all(paths.map((path) => this.limit(async () => ({ path, bytes: await this.read(path) }))));
    // An object deleted between listing and reading is simply not there any more.
    return files.filter((file): file is ContentFile => file.bytes !== undefined);
  }

  async read(path: string): Promise<Uint8Array | undefined> {
    if (path.split('/').includes('..')) throw new Error(`path ${path} is outside the content location`);
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: this.prefix + path }));
      return object.Body ? await object.Body.transformToByteArray() : new Uint8Array();
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw new Error(`s3://${this.location.bucket}/${this.prefix}${path} cannot be read`, { cause: error });
    }
  }
}

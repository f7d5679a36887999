import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SITE_STATE_DIR, type SiteOutput } from '../core/ports.ts';
import { normalisePrefix, type S3Location } from './s3-content.ts';

/** The key prefix (under the site's own prefix) of the build's records; the distribution must not serve it. */
const STATE_PREFIX = `${SITE_STATE_DIR}/`;

/**
 * How long browsers and CloudFront may keep a file. Feeds and pages change whenever an article is
 * published, so they are re-checked within minutes; the stylesheet changes only with a redesign (its
 * name carries no version, so an hour); images and fonts hardly ever.
 */
export function cacheControlFor(contentType: string): string {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === 'text/css') return 'public, max-age=3600';
  if (type.startsWith('image/') || type.startsWith('font/')) return 'public, max-age=86400';
  if (type === 'text/html') return 'public, max-age=300, stale-while-revalidate=60';
  // Feeds (RSS, Atom, JSON Feed) and anything else: readers poll, so keep them fresh.
  return 'public, max-age=300';
}

/**
 * Writes the site into an S3 bucket (served through CloudFront) with its Content-Type and Cache-Control.
 * The build's manifest and cache go under `.newsletter/` in the same bucket (or `state`, when given).
 * Needs s3:PutObject and s3:DeleteObject on the site keys, s3:GetObject on the state keys.
 */
export class S3SiteOutput implements SiteOutput {
  private readonly prefix: string;
  private readonly state: { bucket: string; prefix: string };

  constructor(
    private readonly s3: S3Client,
    private readonly location: S3Location,
    state?: S3Location,
  ) {
    this.prefix = normalisePrefix(location.prefix);
    this.state = state ? { bucket: state.bucket, prefix: normalisePrefix(state.prefix) } : { bucket: location.bucket, prefix: this.prefix + STATE_PREFIX };
  }

  async write(path: string, body: string | Uint8Array, contentType: string): Promise<void> {
    const key = this.key(path);
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.location.bucket,
          Key: key,
          Body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
          ContentType: contentType,
          CacheControl: cacheControlFor(contentType),
        }),
      );
    } catch (error) {
      throw new Error(`s3://${this.location.bucket}/${key} cannot be written`, { cause: error });
    }
  }

  async remove(path: string): Promise<void> {
    const key = this.key(path);
    try {
      await this.s3.send(new DeleteObjectCommand({ Bucket: this.location.bucket, Key: key }));
    } catch (error) {
      throw new Error(`s3://${this.location.bucket}/${key} cannot be deleted`, { cause: error });
    }
  }

  async loadState(name: string): Promise<Uint8Array | undefined> {
    const key = this.state.prefix + name;
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.state.bucket, Key: key }));
      return object.Body ? await object.Body.transformToByteArray() : new Uint8Array();
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (error instanceof NoSuchKey || name === 'NoSuchKey') return undefined;
      // Without s3:ListBucket, S3 answers a missing key with AccessDenied instead of NoSuchKey.
      const hint = name === 'AccessDenied' ? ': the build needs s3:GetObject and s3:ListBucket on this bucket' : '';
      throw new Error(`s3://${this.state.bucket}/${key} cannot be read (${name})${hint}`, { cause: error });
    }
  }

  async saveState(name: string, body: Uint8Array): Promise<void> {
    const key = this.state.prefix + name;
    try {
      await this.s3.send(
        new PutObjectCommand({ Bucket: this.state.bucket, Key: key, Body: body, ContentType: 'application/octet-stream', CacheControl: 'no-store' }),
      );
    } catch (error) {
      throw new Error(`s3://${this.state.bucket}/${key} cannot be written`, { cause: error });
    }
  }

  private key(path: string): string {
    if (path.split('/').includes('..')) throw new Error(`path ${path} is outside the site location`);
    return this.prefix + path;
  }
}

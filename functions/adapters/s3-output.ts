import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SiteOutput } from '../core/ports.ts';
import { normalisePrefix, type S3Location } from './s3-content.ts';

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

/** Writes the site into an S3 bucket (served through CloudFront) with its Content-Type and Cache-Control. */
export class S3SiteOutput implements SiteOutput {
  private readonly prefix: string;

  constructor(
    private readonly s3: S3Client,
    private readonly location: S3Location,
  ) {
    this.prefix = normalisePrefix(location.prefix);
  }

  async write(path: string, body: string | Uint8Array, contentType: string): Promise<void> {
    if (path.split('/').includes('..')) throw new Error(`path ${path} is outside the site location`);
    const key = this.prefix + path;
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
}

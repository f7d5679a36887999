import { S3Client } from '@aws-sdk/client-s3';
import { S3ContentSource } from '../../adapters/s3-content.ts';
import { S3SiteOutput } from '../../adapters/s3-output.ts';
import type { ContentSource, SiteOutput } from '../../core/ports.ts';

/** The settings and articles in a bucket (optionally under a key prefix). */
export function contentBucket(bucket: string, prefix?: string, s3: S3Client = new S3Client({})): ContentSource {
  return new S3ContentSource(s3, { bucket, prefix });
}

/** What the site build reads from and writes to on AWS: the content bucket and the site bucket, with one client. */
export function siteBuckets(buckets: { content: string; site: string }, s3: S3Client = new S3Client({})): { content: ContentSource; output: SiteOutput } {
  return { content: contentBucket(buckets.content, undefined, s3), output: siteBucket(buckets.site, s3) };
}

/** The public site's bucket. */
export function siteBucket(bucket: string, s3: S3Client = new S3Client({})): SiteOutput {
  return new S3SiteOutput(s3, { bucket });
}

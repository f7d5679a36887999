import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from 'feedsmith';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { S3ContentSource } from '../../functions/adapters/s3-content.ts';
import { S3SiteOutput } from '../../functions/adapters/s3-output.ts';
import { FileTemplateSource } from '../../functions/adapters/fs-templates.ts';
import { jsonLogger } from '../../functions/adapters/json-logger.ts';
import { feedsHandler } from '../../functions/handlers/feeds.ts';
import { readEnv } from '../../functions/lambdas/env.ts';
import { siteBuckets } from '../../functions/wiring/aws/buckets.ts';
import { DEFAULT_TEMPLATES } from '../../functions/wiring/paths.ts';
import { lambdaContext, s3Event } from '../helpers/events.ts';
import { articleText, settingsYaml } from '../helpers/factories.ts';
import { startS3rver } from '../helpers/s3rver.ts';

const BUCKETS = ['content', 'site', 'adapters'];
let server: ChildProcess;
let directory: string;
let s3: S3Client;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 's3rver-'));
  const started = await startS3rver(directory, BUCKETS);
  server = started.child;
  s3 = new S3Client({
    endpoint: `http://127.0.0.1:${started.port}`,
    forcePathStyle: true,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
});

afterAll(() => {
  s3?.destroy();
  server?.kill();
  rmSync(directory, { recursive: true, force: true });
});

async function put(bucket: string, key: string, body: string): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

async function get(bucket: string, key: string): Promise<{ body: string; type?: string; cache?: string }> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return { body: await object.Body!.transformToString(), type: object.ContentType, cache: object.CacheControl };
}

async function keys(bucket: string): Promise<string[]> {
  const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (page.Contents ?? []).map((o) => o.Key!).sort();
}

describe('S3 content source', () => {
  it('lists every file under its prefix, relative to it, leaving out folder markers and hidden files', async () => {
    await put('adapters', 'pub/publication.yaml', 'title: x\n');
    await put('adapters', 'pub/articles/b.md', 'B');
    await put('adapters', 'pub/articles/a b.md', 'A');
    await put('adapters', 'pub/articles/.DS_Store', 'junk');
    await put('adapters', 'pub/drafts/', '');
    await put('adapters', 'other/articles/c.md', 'C');
    const source = new S3ContentSource(s3, { bucket: 'adapters', prefix: '/pub/' });
    const files = await source.list();
    expect(files.map((f) => [f.path, new TextDecoder().decode(f.bytes)])).toEqual([
      ['articles/a b.md', 'A'],
      ['articles/b.md', 'B'],
      ['publication.yaml', 'title: x\n'],
    ]);
    expect(new TextDecoder().decode(await source.read('articles/b.md'))).toBe('B');
    expect(await source.read('articles/missing.md')).toBeUndefined();
    await expect(source.read('../other/articles/c.md')).rejects.toThrow('outside the content location');
  });

  it('pages through more objects than one listing returns', async () => {
    const bodies = Array.from({ length: 1005 }, (_, i) => `articles/p-${String(i).padStart(4, '0')}.md`);
    for (let i = 0; i < bodies.length; i += 100) await Promise.all(bodies.slice(i, i + 100).map((key) => put('adapters', `many/${key}`, key)));
    const files = await new S3ContentSource(s3, { bucket: 'adapters', prefix: 'many' }).list();
    expect(files).toHaveLength(1005);
    expect(new TextDecoder().decode(files[1004]!.bytes)).toBe('articles/p-1004.md');
  });

  it('says which object it could not read when the bucket does not exist', async () => {
    const source = new S3ContentSource(s3, { bucket: 'no-such-bucket' });
    await expect(source.read('publication.yaml')).rejects.toThrow('s3://no-such-bucket/publication.yaml cannot be read');
  });
});

describe('S3 site output', () => {
  it('stores each file with its Content-Type and a Cache-Control fitting how often it changes', async () => {
    const output = new S3SiteOutput(s3, { bucket: 'adapters', prefix: 'www' });
    await output.write('feed.xml', '<rss/>', 'application/rss+xml; charset=utf-8');
    await output.write('articles/é.html', '<p>é</p>', 'text/html; charset=utf-8');
    await output.write('style.css', 'body{}', 'text/css; charset=utf-8');
    expect(await get('adapters', 'www/feed.xml')).toEqual({ body: '<rss/>', type: 'application/rss+xml; charset=utf-8', cache: 'public, max-age=300' });
    expect(await get('adapters', 'www/articles/é.html')).toMatchObject({ body: '<p>é</p>', type: 'text/html; charset=utf-8' });
    expect((await get('adapters', 'www/articles/é.html')).cache).toMatch(/^public, max-age=300\b/);
    expect((await get('adapters', 'www/style.css')).cache).toBe('public, max-age=3600');
  });
});

describe('feeds Lambda handler on AWS wiring', () => {
  it('rebuilds the site from the content bucket into the site bucket on an S3 event', async () => {
    await put('content', 'publication.yaml', settingsYaml());
    await put('content', 'articles/first.md', articleText({ title: 'First', date: '2024-11-19T09:00:00Z' }));
    await put('content', 'articles/second.md', articleText({ title: 'Second & last', date: '2024-11-20T09:00:00Z', slug: 'second' }));
    await put('content', 'articles/broken.md', '---\ntitle: Broken\ndate: last Tuesday\n---\n');
    const logs: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((line) => (logs.push(String(line)), true));
    // The feeds function's own wiring (functions/lambdas/feeds.ts), with this test's S3 client.
    const handler = feedsHandler({ ...siteBuckets({ content: 'content', site: 'site' }, s3), templates: new FileTemplateSource(DEFAULT_TEMPLATES), log: jsonLogger({ service: 'feeds' }), now: () => new Date() });
    const result = await handler(s3Event('content', ['articles/second.md']), lambdaContext());
    spy.mockRestore();

    expect(result).toMatchObject({ published: 2, inFeeds: 2 });
    expect(result.problems).toEqual([expect.stringMatching(/^articles\/broken\.md:3: /)]);
    const written = await keys('site');
    expect(written).toEqual(expect.arrayContaining(['articles/first.html', 'articles/second.html', 'atom.xml', 'feed.json', 'feed.xml', 'index.html', 'style.css']));
    expect(written.some((key) => key.includes('broken'))).toBe(false);
    expect(result.written).toBe(written.length);

    const rss = await get('site', 'feed.xml');
    expect(rss.type).toBe('application/rss+xml; charset=utf-8');
    expect(rss.cache).toBe('public, max-age=300');
    expect(parseRssFeed(rss.body).items!.map((i) => i.title)).toEqual(['Second & last', 'First']);
    const atom = await get('site', 'atom.xml');
    expect(atom.type).toBe('application/atom+xml; charset=utf-8');
    expect(parseAtomFeed(atom.body).entries!.map((e) => e.links?.[0]?.href)).toEqual(['https://gazette.example.org/news/articles/second.html', 'https://gazette.example.org/news/articles/first.html']);
    const json = await get('site', 'feed.json');
    expect(json.type).toBe('application/feed+json; charset=utf-8');
    expect(parseJsonFeed(JSON.parse(json.body)).items!.map((i) => i.url)).toEqual([
      'https://gazette.example.org/news/articles/second.html',
      'https://gazette.example.org/news/articles/first.html',
    ]);
    const page = await get('site', 'articles/second.html');
    expect(page.type).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('Second &amp; last');
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'site', Key: 'style.css' }));
    expect(head.ContentType).toBe('text/css; charset=utf-8');
    expect(logs.map((l) => JSON.parse(l))).toEqual(
      expect.arrayContaining([expect.objectContaining({ message: 'rebuild requested', changed: ['articles/second.md'], service: 'feeds' })]),
    );
  });

  it('names each variable of its environment that is missing', () => {
    expect(() => readEnv('feeds', {})).toThrow('Environment variable CONTENT_BUCKET is required; Environment variable SITE_BUCKET is required; Environment variable TEMPLATES_DIR is required');
    expect(() => readEnv('feeds', { CONTENT_BUCKET: 'content', TEMPLATES_DIR: '/var/task/templates' })).toThrow(/^Environment variable SITE_BUCKET is required$/);
  });
});

import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from 'feedsmith';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { S3ContentSource } from '../../functions/adapters/s3-content.ts';
import { S3SiteOutput } from '../../functions/adapters/s3-output.ts';
import { FileTemplateSource } from '../../functions/adapters/fs-templates.ts';
import { SiteBuilder } from '../../functions/core/site/build.ts';
import { memoryLogger } from '../helpers/memory.ts';
import { jsonLogger } from '../../functions/adapters/json-logger.ts';
import { feedsHandler } from '../../functions/handlers/feeds.ts';
import { readEnv } from '../../functions/lambdas/env.ts';
import { siteBuckets } from '../../functions/wiring/aws/buckets.ts';
import { DEFAULT_TEMPLATES } from '../../functions/wiring/paths.ts';
import { lambdaContext, s3Event } from '../helpers/events.ts';
import { ROOT, tempDir } from '../helpers/cli.ts';
import { startS3rver } from '../helpers/s3rver.ts';
import { articleText, settingsYaml } from '../helpers/factories.ts';

const BUCKETS = ['content', 'site', 'adapters', 'content-again', 'site-again'];
let server: ChildProcess;
let s3: S3Client;
let port: number;

beforeAll(async () => {
  const started = await startS3rver(tempDir('s3rver-'), BUCKETS);
  server = started.child;
  port = started.port;
  s3 = newClient();
});

function newClient(): S3Client {
  return new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

afterAll(async () => {
  s3?.destroy();
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = once(server, 'exit');
    server.kill();
    await exited;
  }
});

/** The feeds function as its composition root (functions/lambdas/feeds.ts) builds it, with this test's S3 client. */
const feedsFor = (buckets: { content: string; site: string }, client: S3Client) =>
  feedsHandler({ ...siteBuckets(buckets, client), templates: new FileTemplateSource(DEFAULT_TEMPLATES), log: jsonLogger({ service: 'feeds' }), now: () => new Date() });

/** A second client for the same server that calls `onCommand` before each command (and may throw). */
function watchedClient(onCommand: (input: { Key?: string; Bucket?: string }, command: string) => void): S3Client {
  const client = newClient();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      onCommand(args.input as { Key?: string }, context.commandName!);
      return next(args);
    },
    { step: 'initialize', name: 'watchCommands' },
  );
  return client;
}

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

  it('checks each object\'s size from the listing and never fetches one over the limit', async () => {
    await put('adapters', 'sized/articles/small.md', 'small');
    await put('adapters', 'sized/articles/huge.md', 'h'.repeat(3000));
    const gets: string[] = [];
    const watched = watchedClient((input, command) => command === 'GetObjectCommand' && gets.push(String(input.Key)));
    const files = await new S3ContentSource(watched, { bucket: 'adapters', prefix: 'sized' }).list({ maxBytes: 2048, limitName: 'maxArticleBytes' });
    expect(files.map((f) => [f.path, f.unreadable])).toEqual([
      ['articles/huge.md', '3 KB, over the 2 KB limit (maxArticleBytes): not read'],
      ['articles/small.md', undefined],
    ]);
    expect(gets).toEqual(['sized/articles/small.md']);
    watched.destroy();
  });

  it('reports an object it cannot read as that file\'s problem and reads the others', async () => {
    await put('adapters', 'flaky/articles/a.md', 'A');
    await put('adapters', 'flaky/articles/b.md', 'B');
    const watched = watchedClient((input, command) => {
      if (command === 'GetObjectCommand' && input.Key === 'flaky/articles/a.md') throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
    });
    const source = new S3ContentSource(watched, { bucket: 'adapters', prefix: 'flaky' });
    const entries = await source.entries();
    expect(entries.map((e) => e.version)).toEqual([expect.stringMatching(/^[0-9a-f]{32}$/), expect.stringMatching(/^[0-9a-f]{32}$/)]);
    const files = await source.readEntries(entries);
    expect(files.map((f) => [f.path, f.unreadable ?? new TextDecoder().decode(f.bytes)])).toEqual([
      ['articles/a.md', 'cannot be read from s3://adapters/flaky/articles/a.md (AccessDenied: Access Denied)'],
      ['articles/b.md', 'B'],
    ]);
    expect(files[1]!.version).toBe(entries[1]!.version);
    watched.destroy();
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
    const result = await feedsFor({ content: 'content', site: 'site' }, s3)(s3Event('content', ['articles/second.md']), lambdaContext());
    spy.mockRestore();

    expect(result).toMatchObject({ published: 2, inFeeds: 2 });
    expect(result.problems).toEqual([expect.stringMatching(/^articles\/broken\.md:3: /)]);
    const written = await keys('site');
    expect(written).toEqual(expect.arrayContaining(['articles/first.html', 'articles/second.html', 'atom.xml', 'feed.json', 'feed.xml', 'index.html', 'style.css']));
    expect(written.some((key) => key.includes('broken'))).toBe(false);
    expect(result.written).toBe(written.filter((key) => !key.startsWith('.newsletter/')).length);

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

  it('puts only the objects whose bytes changed, deletes the page of a deleted article and nothing another writer put there', async () => {
    await put('content-again', 'publication.yaml', settingsYaml({ feedItems: 2 }));
    for (const i of [1, 2, 3]) await put('content-again', `articles/s${i}.md`, articleText({ title: `Story ${i}`, date: `2024-11-1${i}T09:00:00Z` }, `Story ${i}.\n`));
    const calls: string[] = [];
    const watched = watchedClient((input, command) => {
      if (input.Bucket === 'site-again' && (command === 'PutObjectCommand' || command === 'DeleteObjectCommand')) calls.push(`${command.replace('ObjectCommand', '')} ${input.Key}`);
    });
    const handler = feedsFor({ content: 'content-again', site: 'site-again' }, watched);
    const run = async () => {
      calls.length = 0;
      const spy = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      try {
        return await handler({ reason: 'test' });
      } finally {
        spy.mockRestore();
      }
    };
    await run();
    expect(calls.filter((c) => c.startsWith('Put articles/'))).toHaveLength(3);
    await run();
    expect(calls).toEqual(['Put .newsletter/site-manifest.json']);

    await put('site-again', 'issues/2024-11-04T0700Z.html', 'an archive page the sender wrote');
    await put('content-again', 'articles/s3.md', articleText({ title: 'Story 3', date: '2024-11-13T09:00:00Z' }, 'Story 3, corrected.\n'));
    await s3.send(new DeleteObjectCommand({ Bucket: 'content-again', Key: 'articles/s1.md' }));
    const result = await run();
    expect(calls.filter((c) => !c.startsWith('Put issues/')).sort()).toEqual([
      'Delete articles/story-1.html',
      'Put .newsletter/site-manifest.json',
      'Put articles/story-3.html',
      'Put atom.xml',
      'Put feed.json',
      'Put feed.xml',
      'Put index.html',
      'Put newsletters/digest/atom.xml',
      'Put newsletters/digest/feed.json',
      'Put newsletters/digest/feed.xml',
      'Put newsletters/digest/index.html',
      // Story 1 is no longer in it.
      'Put sitemap.xml',
    ]);
    expect(result.written).toBe(calls.filter((c) => c.startsWith('Put ') && !c.includes('.newsletter/')).length);
    const site = await keys('site-again');
    expect(site).not.toContain('articles/story-1.html');
    expect((await get('site-again', 'issues/2024-11-04T0700Z.html')).body).toBe('an archive page the sender wrote');
    expect((await get('site-again', 'articles/story-3.html')).body).toContain('Story 3, corrected.');
    watched.destroy();
  });

  it('a builder with a code version reads only the content objects whose ETag changed, even in a new process', async () => {
    await put('content-again', 'cached/publication.yaml', settingsYaml());
    for (const i of [1, 2, 3, 4]) await put('content-again', `cached/articles/c${i}.md`, articleText({ title: `Cached ${i}`, date: `2024-11-1${i}T09:00:00Z` }));
    const gets: string[] = [];
    const watched = watchedClient((input, command) => command === 'GetObjectCommand' && input.Bucket === 'content-again' && gets.push(String(input.Key)));
    const builder = () =>
      new SiteBuilder({
        content: new S3ContentSource(watched, { bucket: 'content-again', prefix: 'cached' }),
        output: new S3SiteOutput(watched, { bucket: 'site-again', prefix: 'cached-site' }),
        templates: new FileTemplateSource(join(ROOT, 'templates')),
        log: memoryLogger(),
        codeVersion: 'test',
      });
    await builder().build(new Date('2024-12-01T00:00:00Z'));
    expect(gets.filter((k) => k.includes('/articles/'))).toHaveLength(4);
    gets.length = 0;
    await put('content-again', 'cached/articles/c2.md', articleText({ title: 'Cached 2, edited', date: '2024-11-12T09:00:00Z' }));
    const report = await builder().build(new Date('2024-12-01T00:00:00Z'));
    expect(gets).toEqual(['cached/publication.yaml', 'cached/articles/c2.md']);
    expect(report.parsed).toBe(1);
    expect((await keys('site-again')).filter((k) => k.startsWith('cached-site/.newsletter/'))).toEqual([
      'cached-site/.newsletter/article-cache-changes.v8',
      'cached-site/.newsletter/article-cache.v8',
      'cached-site/.newsletter/site-manifest.json',
    ]);
    expect((await get('site-again', 'cached-site/index.html')).body).toContain('Cached 2, edited');
    watched.destroy();
  });

  it('names each variable of its environment that is missing', () => {
    expect(() => readEnv('feeds', {})).toThrow(
      'Environment variable CONTENT_BUCKET is required; Environment variable SITE_BUCKET is required; Environment variable TEMPLATES_DIR is required; Environment variable TABLE_NAME is required',
    );
    expect(() => readEnv('feeds', { CONTENT_BUCKET: 'content', TEMPLATES_DIR: '/var/task/templates', TABLE_NAME: 't' })).toThrow(/^Environment variable SITE_BUCKET is required$/);
  });
});

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parseRssFeed } from 'feedsmith';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ESM_BANNER } from '../../infra/bundling.ts';
import { readConfig } from '../../infra/config.ts';
import { FUNCTIONS } from '../../infra/functions.ts';
import { NewsletterStack } from '../../infra/stack.ts';
import { ROOT, tempDir, tempTree } from '../helpers/cli.ts';
import { startDynalite, type LocalDynamo } from '../helpers/dynalite.ts';
import { sqsEvent } from '../helpers/events.ts';
import { articleText, issueRecord, settingsYaml, testSettings } from '../helpers/factories.ts';
import { DynamoIssueStore } from '../../functions/adapters/dynamo/issues.ts';
import { startS3rver } from '../helpers/s3rver.ts';
import { startSesStandIn, type SesStandIn } from '../helpers/ses-standin.ts';
import { wireWorld } from '../helpers/world.ts';

const execFileAsync = promisify(execFile);

// Bundled for real, as `cdk synth` builds them: the feeds function (the runtime's AWS SDK) and the
// delivery worker (its own SDK clients).
describe('the feeds function bundle', () => {
  let bundle: string;
  beforeAll(() => {
    const work = tempDir('bundle-');
    // The bundle leaves @aws-sdk/* to the Lambda runtime; here the project's copy stands in for it.
    symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'));
    const outdir = join(work, 'cdk.out');
    mkdirSync(outdir);
    const app = new App({ outdir });
    const stack = new NewsletterStack(app, 'Newsletter-bundle', { config: readConfig(app.node), functions: FUNCTIONS.filter((f) => f.name === 'feeds') });
    const [fn] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler', Description: 'Newsletter feeds (functions/lambdas/feeds.ts)' } }));
    const key = String(fn!.Properties.Code.S3Key);
    bundle = join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
  }, 120_000);

  it('is one ESM file that starts with the createRequire banner, with a source map and the AWS SDK left out', () => {
    const code = readFileSync(join(bundle, 'index.mjs'), 'utf8');
    expect(code.startsWith(ESM_BANNER)).toBe(true);
    expect(code).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
    expect(code).toMatch(/from\s*"@aws-sdk\/client-s3"/);
    expect(code.trimEnd()).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map$/);
    const sources: string[] = JSON.parse(readFileSync(join(bundle, 'index.mjs.map'), 'utf8')).sources;
    expect(sources).toEqual(expect.arrayContaining([expect.stringMatching(/functions\/lambdas\/feeds\.ts$/), expect.stringMatching(/functions\/handlers\/feeds\.ts$/)]));
    expect(sources.filter((s) => s.includes('node_modules/@aws-sdk/'))).toEqual([]);
    expect(sources.filter((s) => /node_modules\/mjml/.test(s))).toEqual([]);
    expect(existsSync(join(bundle, 'templates', 'layout.html'))).toBe(true);
  });

  it('builds the site from the content bucket into the site bucket with its own copy of the templates, and the archive from the table, when Node imports it and calls its handler', async () => {
    const objects = tempDir('s3rver-');
    const s3rver = await startS3rver(objects, ['content', 'site']);
    const dynamo = await startDynalite();
    const table = await dynamo.table();
    const settings = testSettings();
    await new DynamoIssueStore(dynamo.docs, table).createIssue(issueRecord(settings, { scheduledFor: new Date('2024-11-25T07:00:00Z'), status: 'sent' }));
    const s3 = new S3Client({ endpoint: s3rver.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, requestChecksumCalculation: 'WHEN_REQUIRED' });
    try {
      await s3.send(new PutObjectCommand({ Bucket: 'content', Key: 'publication.yaml', Body: settingsYaml() }));
      await s3.send(new PutObjectCommand({ Bucket: 'content', Key: 'articles/a.md', Body: articleText({ title: 'From the bundle' }) }));
      const script = `const { handler } = await import(${JSON.stringify(pathToFileURL(join(bundle, 'index.mjs')).href)});
        process.stdout.write('RESULT ' + JSON.stringify(await handler({ reason: 'test' })) + '\\n');`;
      const run = await execFileAsync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], {
        // Exactly what the stack sets (functions/lambdas/env.ts), with the bucket endpoint on loopback.
        env: {
          PATH: process.env.PATH,
          CONTENT_BUCKET: 'content',
          SITE_BUCKET: 'site',
          TEMPLATES_DIR: join(bundle, 'templates'),
          TABLE_NAME: table,
          AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
          AWS_REGION: 'eu-west-1',
          AWS_ACCESS_KEY_ID: 'S3RVER',
          AWS_SECRET_ACCESS_KEY: 'S3RVER',
          AWS_ENDPOINT_URL_S3: s3rver.endpoint,
          AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
          AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
      });
      expect(run.stderr).toBe('');
      const result = JSON.parse(run.stdout.split('\n').find((l) => l.startsWith('RESULT '))!.slice(7));
      expect(result).toMatchObject({ published: 1, inFeeds: 1, problems: [] });
      const written = ((await s3.send(new ListObjectsV2Command({ Bucket: 'site' }))).Contents ?? []).map((o) => o.Key!).filter((key) => !key.startsWith('.newsletter/'));
      expect(result.written).toBe(written.length);
      const feed = await (await s3.send(new GetObjectCommand({ Bucket: 'site', Key: 'feed.xml' }))).Body!.transformToString();
      expect(parseRssFeed(feed).items!.map((i) => i.title)).toEqual(['From the bundle']);
      // The digest's archive, from the issue in the table.
      expect(written).toEqual(expect.arrayContaining(['issues/2024-11-25T0700Z.html', 'issues/index.html', 'issues/atom.xml']));
      const page = await (await s3.send(new GetObjectCommand({ Bucket: 'site', Key: 'issues/2024-11-25T0700Z.html' }))).Body!.transformToString();
      expect(page).toContain(issueRecord(settings).content.subject);
    } finally {
      await dynamo.close();
      s3.destroy();
      s3rver.child.kill();
      rmSync(objects, { recursive: true, force: true });
    }
  }, 60_000);
});

// The delivery worker carries its own AWS SDK clients (FunctionSpec.bundlesSdk): its bundle must run
// with no node_modules at all and really talk to DynamoDB and SES.
describe('the delivery function bundle', () => {
  let bundle: string;
  let dynamo: LocalDynamo;
  let ses: SesStandIn;
  beforeAll(async () => {
    const work = tempDir('bundle-deliver-');
    const outdir = join(work, 'cdk.out');
    mkdirSync(outdir);
    const app = new App({ outdir });
    const stack = new NewsletterStack(app, 'Newsletter-bundle-deliver', { config: readConfig(app.node), functions: FUNCTIONS.filter((f) => f.name === 'deliver') });
    const [fn] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler', Description: 'Newsletter deliver (functions/lambdas/deliver.ts)' } }));
    bundle = join(outdir, `asset.${String(fn!.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
    [dynamo, ses] = await Promise.all([startDynalite(), startSesStandIn()]);
  }, 120_000);
  afterAll(async () => Promise.all([dynamo?.close(), ses?.close()]));

  it('is small, carries no MJML and no signing key, and sends a planned batch through SES from a bare directory', async () => {
    expect(statSync(join(bundle, 'index.mjs')).size).toBeLessThan(1024 * 1024);
    expect(existsSync(join(bundle, 'node_modules'))).toBe(false);
    const sources: string[] = JSON.parse(readFileSync(join(bundle, 'index.mjs.map'), 'utf8')).sources;
    expect(sources.filter((s) => /node_modules\/mjml|node_modules\/zod\/v4\/classic|functions\/core\/tokens/.test(s))).toEqual([]);
    expect(sources.some((s) => s.includes('node_modules/@aws-sdk/client-ses/'))).toBe(true);

    const contentDir = tempTree({ 'publication.yaml': settingsYaml(), 'articles/news.md': articleText({ title: 'Bundled news', date: '2026-01-03T10:00:00Z' }) });
    const world = await wireWorld({ dynamo, ses: ses.client(), contentDir });
    world.clock.now = new Date('2026-01-05T07:00:00Z');
    const readers = ['ana@example.com', 'ben@example.com', 'cy@example.com'];
    for (const email of readers) await world.stores.subscribers.addConfirmed(email, new Date('2026-01-01T00:00:00Z'), 'cli');
    await world.handlers.planIssue({ time: '2026-01-05T07:00:00Z' });

    const script = `const { handler } = await import(${JSON.stringify(pathToFileURL(join(bundle, 'index.mjs')).href)});
      process.stdout.write('RESULT ' + JSON.stringify(await handler(${JSON.stringify(sqsEvent(world.queue.drain()))})) + '\\n');`;
    const run = await execFileAsync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], {
      cwd: bundle,
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        AWS_ENDPOINT_URL_SES: ses.endpoint,
        TABLE_NAME: world.table,
        QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/deliveries',
        SES_CONFIGURATION_SET: 'newsletter',
        MAX_SEND_RATE: '50',
      },
    });
    expect(JSON.parse(run.stdout.split('\n').find((l) => l.startsWith('RESULT '))!.slice(7))).toEqual({ batchItemFailures: [] });
    expect(ses.messages.flatMap((m) => m.destinations).sort()).toEqual(readers);
    for (const message of ses.messages) expect((await simpleParser(message.raw)).subject).toContain('Bundled news');
    expect(await world.stores.issues.getIssue('2026-01-05T0700Z')).toMatchObject({ status: 'sent', sent: 3 });
  }, 60_000);
});

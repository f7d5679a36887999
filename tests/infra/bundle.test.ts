import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parseRssFeed } from 'feedsmith';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as planIssue } from '../../functions/handlers/plan-issue.ts';
import { ESM_BANNER } from '../../infra/bundling.ts';
import { readConfig } from '../../infra/config.ts';
import { FUNCTIONS } from '../../infra/functions.ts';
import { NewsletterStack } from '../../infra/stack.ts';
import { ROOT, tempDir, tempTree } from '../helpers/cli.ts';
import { startDynalite, type LocalDynamo } from '../helpers/dynalite.ts';
import { sqsEvent } from '../helpers/events.ts';
import { articleText, settingsYaml } from '../helpers/factories.ts';
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
    const [fn] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler', Description: 'Newsletter feeds (functions/handlers/feeds.ts)' } }));
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
    expect(sources).toEqual(expect.arrayContaining([expect.stringMatching(/functions\/handlers\/feeds\.ts$/)]));
    expect(sources.filter((s) => s.includes('node_modules/@aws-sdk/'))).toEqual([]);
    expect(sources.filter((s) => /node_modules\/mjml/.test(s))).toEqual([]);
    expect(existsSync(join(bundle, 'templates', 'layout.html'))).toBe(true);
  });

  it('builds the site with its own copy of the templates when Node imports it and calls its handler', () => {
    const content = tempTree({ 'publication.yaml': settingsYaml(), 'articles/a.md': articleText({ title: 'From the bundle' }) });
    const site = tempDir();
    const script = `const { handler } = await import(${JSON.stringify(pathToFileURL(join(bundle, 'index.mjs')).href)});
      process.stdout.write('RESULT ' + JSON.stringify(await handler({ reason: 'test' })) + '\\n');`;
    const run = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], {
      // No TEMPLATES_DIR: the bundle finds the templates copied beside it.
      env: { PATH: process.env.PATH, CONTENT_DIR: content, SITE_DIR: site },
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout.split('\n').find((l) => l.startsWith('RESULT '))!.slice(7));
    expect(result).toMatchObject({ published: 1, inFeeds: 1, problems: [] });
    // The build's own records (.newsletter/) are not site files.
    const written = readdirSync(site, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile() && !entry.parentPath.includes('.newsletter'));
    expect(result.written).toBe(written.length);
    expect(parseRssFeed(readFileSync(join(site, 'feed.xml'), 'utf8')).items!.map((i) => i.title)).toEqual(['From the bundle']);
  });
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
    const [fn] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler', Description: 'Newsletter deliver (functions/handlers/deliver.ts)' } }));
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
    for (const email of readers) await world.stores.subscribers.addConfirmed(email, new Date('2026-01-01T00:00:00Z'));
    await planIssue({ time: '2026-01-05T07:00:00Z' });

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
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '1',
        TABLE_NAME: world.table,
        QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/deliveries',
      },
    });
    expect(JSON.parse(run.stdout.split('\n').find((l) => l.startsWith('RESULT '))!.slice(7))).toEqual({ batchItemFailures: [] });
    expect(ses.messages.flatMap((m) => m.destinations).sort()).toEqual(readers);
    for (const message of ses.messages) expect((await simpleParser(message.raw)).subject).toContain('Bundled news');
    expect(await world.stores.issues.getIssue('2026-01-05T0700Z')).toMatchObject({ status: 'sent', sent: 3 });
  }, 60_000);
});

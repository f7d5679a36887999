import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parseRssFeed } from 'feedsmith';
import { beforeAll, describe, expect, it } from 'vitest';
import { ESM_BANNER } from '../../infra/bundling.ts';
import { readConfig } from '../../infra/config.ts';
import { FUNCTIONS } from '../../infra/functions.ts';
import { NewsletterStack } from '../../infra/stack.ts';
import { ROOT, tempDir, tempTree } from '../helpers/cli.ts';
import { articleText, settingsYaml } from '../helpers/factories.ts';

// The one test that bundles for real: the feeds function, as `cdk synth` builds it.
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
    const written = readdirSync(site, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
    expect(result.written).toBe(written.length);
    expect(parseRssFeed(readFileSync(join(site, 'feed.xml'), 'utf8')).items!.map((i) => i.title)).toEqual(['From the bundle']);
  });
});

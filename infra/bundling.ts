import { join } from 'node:path';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';
import { PROJECT_ROOT } from '../functions/wiring/paths.ts';

/** ESM bundles still meet CommonJS dependencies that call `require`; this gives them one. */
export const ESM_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * Left out of a bundle. The Lambda runtime provides the AWS SDK v3 (functions that bundle their own
 * leave it in, see FunctionSpec.bundlesSdk). `typescript` (3.5 MB) is reached only through
 * cosmiconfig's loader for `.ts` config files, which MJML's minifier never loads here (there is no
 * such file in a bundle); leaving it in would add it to every bundle that renders.
 */
export function externalModules(bundleSdk: boolean): string[] {
  return bundleSdk ? ['typescript'] : ['@aws-sdk/*', 'typescript'];
}

export interface BundleChoice {
  /** The templates/ directory is copied beside `index.mjs`. */
  withTemplates: boolean;
  /** The AWS SDK is bundled instead of left to the runtime. */
  bundleSdk: boolean;
}

/** Where bundles that render find the templates (copied beside `index.mjs`). */
export const BUNDLED_TEMPLATES_DIR = '/var/task/templates';

/**
 * The Lambda runtime of every function. Bundles target the same Node major, and the project's own
 * scripts and tests run on it too (package.json pins the `node` package to this major).
 */
export const RUNTIME = Runtime.NODEJS_24_X;

/** `24` for `nodejs24.x`: the Node major the bundles target and the tests run on. */
export const NODE_MAJOR = Number(/^nodejs(\d+)\.x$/.exec(RUNTIME.name)![1]);
const TARGET = `node${NODE_MAJOR}`;
const MAIN_FIELDS = ['module', 'main'];

/** Bundling for one function: local esbuild, ESM, source maps, templates copied in when it renders. */
export function bundlingOptions({ withTemplates, bundleSdk }: BundleChoice): BundlingOptions {
  return {
    forceDockerBundling: false,
    format: OutputFormat.ESM,
    target: TARGET,
    mainFields: MAIN_FIELDS,
    banner: ESM_BANNER,
    externalModules: externalModules(bundleSdk),
    minify: true,
    sourceMap: true,
    sourcesContent: false,
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (inputDir: string, outputDir: string) => [
        ...(withTemplates ? [`cp -R "${join(inputDir, 'templates')}" "${join(outputDir, 'templates')}"`] : []),
        // The Markdown engine (md4c in WebAssembly) loads its module from beside the bundle that renders articles.
        // (md4w names its module `md4w-${mode}.wasm`: a bundle that has the engine has that text.)
        `if grep -q "md4w-" "${join(outputDir, 'index.mjs')}"; then cp "${join(inputDir, MARKDOWN_WASM_SOURCE)}" "${outputDir}/"; fi`,
      ],
    },
  };
}

/** The WebAssembly module of the Markdown engine, which a bundle that renders articles carries beside index.mjs. */
export const MARKDOWN_WASM = 'md4w-small.wasm';
const MARKDOWN_WASM_SOURCE = `node_modules/md4w/js/${MARKDOWN_WASM}`;

/** The same build as esbuild options, for measuring bundles outside a synth (see tests/bench/bundles.ts). */
export function esbuildOptions(entry: string, outfile: string, { bundleSdk }: Pick<BundleChoice, 'bundleSdk'>): BuildOptions {
  return {
    entryPoints: [join(PROJECT_ROOT, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: TARGET,
    mainFields: MAIN_FIELDS,
    banner: { js: ESM_BANNER },
    external: externalModules(bundleSdk),
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    metafile: true,
    logLevel: 'silent',
  };
}

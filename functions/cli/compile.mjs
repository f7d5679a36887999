// Compiles the `newsletter` command into functions/.compiled/ (run by `npm ci` / `npm install` as
// `prepare`): no TypeScript is transpiled when the command runs. bin.mjs falls back to the sources
// whenever this copy is missing or older than them.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let build;
try {
  ({ build } = await import('esbuild'));
} catch {
  // An install without dev dependencies has no esbuild: the command then runs from the sources.
  console.warn('newsletter: esbuild is not installed; the command will run from the TypeScript sources');
  process.exit(0);
}

const functions = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(functions, '..');
const OUT_DIR = join(functions, '.compiled');

/** Same inputs and order as sourceTreeVersion() in functions/adapters/code-version.ts. */
function sourceTreeVersion() {
  const hash = createHash('sha256');
  const files = readdirSync(functions, { recursive: true }).filter((f) => f.endsWith('.ts') && !f.split(/[\\/]/).some((p) => p.startsWith('.'))).sort();
  for (const file of files) hash.update(`${file}\0`).update(readFileSync(join(functions, file))).update('\0');
  hash.update(readFileSync(join(root, 'package-lock.json')));
  return hash.digest('base64url');
}

// md4w loads its WebAssembly module from beside its own file: it stays in node_modules.
const EXTERNAL = ['@aws-sdk/*', '@smithy/*', 'dynalite', 'classic-level', 'mjml', 'md4w', 'aws-ses-v2-local', 'tsx', 'tsx/*', 'esbuild', 'typescript'];
const version = sourceTreeVersion();
rmSync(OUT_DIR, { recursive: true, force: true });
mkdirSync(OUT_DIR, { recursive: true });
await build({
  entryPoints: { main: join(functions, 'cli/main.ts'), 'parse-worker': join(functions, 'adapters/parse-worker.ts'), 'build-worker': join(functions, 'local/build-worker.ts') },
  outdir: OUT_DIR,
  outExtension: { '.js': '.mjs' },
  // Chunks sit beside the entries, one folder below functions/ as the sources are: paths the code
  // computes from import.meta.url (the project root, the worker entry) hold in both.
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  // Smaller code parses faster at start-up (error classes name themselves, so minified names do no harm).
  minify: true,
  sourcemap: 'linked',
  sourcesContent: false,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  // Dependencies are bundled too (loading one file is much faster than loading hundreds), except
  // those with native addons, the AWS SDK and MJML, which only the commands that use them load.
  external: EXTERNAL,
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  define: { __NEWSLETTER_CODE_VERSION__: JSON.stringify(version) },
  logLevel: 'warning',
});
writeFileSync(join(OUT_DIR, 'README'), 'Compiled by functions/cli/compile.mjs (npm ci runs it). Do not edit; not committed.\n');

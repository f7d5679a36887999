import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli, tempDir, tempTree, type RunResult } from '../helpers/cli.ts';
import { articleText, settingsYaml } from '../helpers/factories.ts';

/**
 * A damaged local data directory, as a user would find it after a crash, a careless `rm` or a bad
 * copy. Every case runs the real `newsletter` command and asserts what the user sees: one line on
 * stderr naming the file, the exit status, and every file of the data directory left as it was.
 */

const NO_KEY = { TOKEN_SECRET: undefined };
const DB = 'dynamo/db';
let content: string;
let template: string;
const made: string[] = [];

beforeAll(() => {
  content = tempTree({ 'publication.yaml': settingsYaml(), 'articles/a.md': articleText({ date: '2026-01-03T10:00:00Z' }) });
  const cwd = tempDir();
  template = join(cwd, 'data');
  writeFileSync(join(cwd, 'list.csv'), 'email\nann@example.com\nbob@example.com\ncarol@example.com\n');
  const seeded = runCli(['subscribers', 'import', 'list.csv', '--content', content, '--data', template, '--create'], { cwd, env: NO_KEY });
  expect(seeded.stderr).toBe('');
  expect(seeded.stdout).toContain('imported 3');
  // Opened once more, the engine moves what its log holds into a table: the store has every kind of file.
  expect(runCli(['status', '--content', content, '--data', template], { cwd, env: NO_KEY }).stdout).toContain('3 confirmed');
  made.push(content, cwd);
}, 120_000);
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the seeded data directory under a new working directory. */
function copy(): { cwd: string; data: string } {
  const cwd = tempDir();
  made.push(cwd);
  const data = join(cwd, 'data');
  cpSync(template, data, { recursive: true });
  return { cwd, data };
}

/** Every file and folder under `dir` (links not followed) with its bytes: equal hashes mean nothing changed. */
function fingerprint(dir: string): string {
  const hash = createHash('sha256');
  const walk = (path: string, name: string) => {
    const info = lstatSync(path);
    hash.update(`${name}\0${info.isDirectory() ? 'd' : info.isSymbolicLink() ? 'l' : info.isFile() ? 'f' : 'o'}\0`);
    if (info.isDirectory()) for (const child of readdirSync(path).sort()) walk(join(path, child), `${name}/${child}`);
    else if (info.isFile()) hash.update(readFileSync(path));
  };
  walk(dir, '.');
  return hash.digest('hex');
}

function status(cwd: string, data = 'data', extra: string[] = [], env: NodeJS.ProcessEnv = NO_KEY): RunResult {
  return runCli(['status', '--content', content, '--data', data, ...extra], { cwd, env });
}

/** One line on stderr, `newsletter: …`, and the exit status. */
function expectRefusal(run: RunResult, message: string | RegExp, code = 1): void {
  expect(run.stdout).toBe('');
  expect(run.stderr.endsWith('\n') && !run.stderr.slice(0, -1).includes('\n')).toBe(true);
  if (typeof message === 'string') expect(run.stderr).toBe(`newsletter: ${message}\n`);
  else expect(run.stderr).toMatch(message);
  expect(run.status).toBe(code);
}

const RESTORE = 'the embedded store cannot be opened safely, nothing was changed; restore data/dynamo/db from a backup';
const manifestOf = (data: string) => readFileSync(join(data, DB, 'CURRENT'), 'utf8').trim();
const tables = (data: string) => readdirSync(join(data, DB)).filter((n) => n.endsWith('.ldb')).sort();
const KEY_WAY_OUT = 'restore it from a backup, or set TOKEN_SECRET to the key it held (a new key would void every confirm and unsubscribe link already mailed)';

describe('a damaged store is refused, named, and left exactly as it was', () => {
  it.each<[string, (data: string) => void, string | ((data: string) => string)]>([
    ['CURRENT deleted', (d) => unlinkSync(join(d, DB, 'CURRENT')), `data/dynamo/db/CURRENT (the file that names the store's manifest) is missing: ${RESTORE}`],
    ['CURRENT empty', (d) => writeFileSync(join(d, DB, 'CURRENT'), ''), `data/dynamo/db/CURRENT is empty: ${RESTORE}`],
    ['CURRENT garbage', (d) => writeFileSync(join(d, DB, 'CURRENT'), 'hello\n'), `data/dynamo/db/CURRENT does not name a manifest: ${RESTORE}`],
    [
      'CURRENT a directory',
      (d) => {
        unlinkSync(join(d, DB, 'CURRENT'));
        mkdirSync(join(d, DB, 'CURRENT'));
      },
      `data/dynamo/db/CURRENT (the file that names the store's manifest) is not a regular file: ${RESTORE}`,
    ],
    [
      'the manifest deleted',
      (d) => unlinkSync(join(d, DB, manifestOf(d))),
      (d) => `data/dynamo/db/${manifestOf(d)} (the store's manifest, named by CURRENT) is missing: ${RESTORE}`,
    ],
    ['the manifest empty', (d) => writeFileSync(join(d, DB, manifestOf(d)), ''), (d) => `data/dynamo/db/${manifestOf(d)} is empty: ${RESTORE}`],
    [
      'the manifest overwritten with garbage',
      (d) => writeFileSync(join(d, DB, manifestOf(d)), Buffer.alloc(700, 0xa5)),
      (d) => `data/dynamo/db/${manifestOf(d)} is not a readable manifest (a record at byte 0 runs past its block): ${RESTORE}`,
    ],
    ['a table deleted', (d) => unlinkSync(join(d, DB, tables(d)[0]!)), () => `data/dynamo/db/${tables(template)[0]} (a table the manifest lists) is missing: ${RESTORE}`],
    [
      'a table cut short',
      (d) => truncateSync(join(d, DB, tables(d)[0]!), 10),
      (d) => `data/dynamo/db/${tables(d)[0]} (a table the manifest lists) is 10 bytes, not ${statSync(join(template, DB, tables(d)[0]!)).size}: ${RESTORE}`,
    ],
    [
      'the write-ahead log deleted',
      (d) => unlinkSync(join(d, DB, readdirSync(join(d, DB)).find((n) => n.endsWith('.log'))!)),
      () => `data/dynamo/db/${readdirSync(join(template, DB)).find((n) => n.endsWith('.log'))} (the store's write-ahead log) is missing: ${RESTORE}`,
    ],
    ['the store directory replaced by a file', (d) => {
      rmSync(join(d, DB), { recursive: true });
      writeFileSync(join(d, DB), 'not a store');
    }, 'embedded store data/dynamo/db is not a directory'],
  ])('%s', (_what, damage, message) => {
    const { cwd, data } = copy();
    damage(data);
    const before = fingerprint(data);
    const run = status(cwd);
    expectRefusal(run, typeof message === 'string' ? message : message(data));
    expect(fingerprint(data)).toBe(before);
    // And again: a second try finds the same, not a new empty store.
    expectRefusal(status(cwd), run.stderr.trim().replace(/^newsletter: /, ''));
    expect(fingerprint(data)).toBe(before);
  });

  it('a sound store beside the damaged ones still opens (the corpus is not refusing everything)', () => {
    const { cwd } = copy();
    const run = status(cwd);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('subscribers: 0 pending, 3 confirmed, 0 unsubscribed, 0 suppressed');
  });
});

describe('state files are read with errors that name them', () => {
  it.each<[string, string, string | Buffer, string | RegExp]>([
    ['an empty endpoint.json', 'dynamo/endpoint.json', '', 'data/dynamo/endpoint.json is empty: delete it if no newsletter command or server is running'],
    [
      'endpoint.json cut short',
      'dynamo/endpoint.json',
      '{"pid":12',
      // The parser's own words differ between Node versions.
      /^newsletter: data\/dynamo\/endpoint\.json is not valid JSON \(.*position 9.*\): delete it if no newsletter command or server is running\n$/,
    ],
    [
      'endpoint.json pointing away from loopback',
      'dynamo/endpoint.json',
      JSON.stringify({ pid: process.pid, endpoint: 'http://attacker.example:80' }),
      'data/dynamo/endpoint.json does not hold the pid and loopback endpoint of the process serving the store: delete it if no newsletter command or server is running',
    ],
    ['garbage server.json', 'server.json', Buffer.from([0xff, 0xfe, 0x00]), /^newsletter: data\/server\.json is not valid JSON \(.*\): delete it if no newsletter command or server is running\n$/],
    [
      'server.json of the wrong shape',
      'server.json',
      '[1,2]',
      'data/server.json does not hold the pid and URL of the running server: delete it if no newsletter command or server is running',
    ],
  ])('%s', (_what, file, body, message) => {
    const { cwd, data } = copy();
    writeFileSync(join(data, file), body);
    const before = fingerprint(data);
    const run = status(cwd);
    expectRefusal(run, message);
    expect(fingerprint(data)).toBe(before);
  });

  it('an endpoint.json left by a process that died is taken over, and the data is all there', () => {
    const { cwd, data } = copy();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(data, 'dynamo/endpoint.json'), JSON.stringify({ pid: Number(dead.stdout), endpoint: 'http://127.0.0.1:9' }));
    const run = status(cwd);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('3 confirmed');
    expect(existsSync(join(data, 'dynamo/endpoint.json'))).toBe(false);
  });
});

describe('every problem with the signing key is one line and a clean exit; a missing key is never silently replaced', () => {
  it.each<[string, (data: string) => void, string]>([
    ['a key shorter than 32 bytes', (d) => writeFileSync(join(d, 'token-secret'), 'short\n'), `data/token-secret holds a key shorter than 32 bytes: ${KEY_WAY_OUT}`],
    ['an empty key file', (d) => writeFileSync(join(d, 'token-secret'), ''), `data/token-secret is empty: ${KEY_WAY_OUT}`],
    ['a key file of blanks', (d) => writeFileSync(join(d, 'token-secret'), ' \n\t\n'), `data/token-secret is empty: ${KEY_WAY_OUT}`],
    ['the key file deleted beside the store', (d) => unlinkSync(join(d, 'token-secret')), `data/token-secret is missing beside the embedded store in data: ${KEY_WAY_OUT}`],
    [
      'the key file a named pipe (reading it would wait for ever)',
      (d) => {
        unlinkSync(join(d, 'token-secret'));
        spawnSync('mkfifo', [join(d, 'token-secret')]);
      },
      `data/token-secret is not a regular file: ${KEY_WAY_OUT}`,
    ],
    [
      'the key file a directory',
      (d) => {
        unlinkSync(join(d, 'token-secret'));
        mkdirSync(join(d, 'token-secret'));
      },
      `data/token-secret is not a regular file: ${KEY_WAY_OUT}`,
    ],
    [
      'the key file a dangling symbolic link',
      (d) => {
        unlinkSync(join(d, 'token-secret'));
        symlinkSync('/nonexistent/key', join(d, 'token-secret'));
      },
      `data/token-secret is missing beside the embedded store in data: ${KEY_WAY_OUT}`,
    ],
  ])('%s', (_what, damage, message) => {
    const { cwd, data } = copy();
    damage(data);
    const before = fingerprint(data);
    // A hang (the store left listening) would end in runCli's time-out with no status.
    const run = status(cwd);
    expectRefusal(run, message);
    expect(fingerprint(data)).toBe(before);
  });

  it('a key where earlier versions kept it for --data DIR (DIR/../.data) is pointed out, not replaced', () => {
    const { cwd, data } = copy();
    mkdirSync(join(cwd, '.data'));
    cpSync(join(data, 'token-secret'), join(cwd, '.data/token-secret'));
    unlinkSync(join(data, 'token-secret'));
    const before = fingerprint(data);
    expectRefusal(status(cwd), 'data/token-secret is missing beside the embedded store in data: earlier versions kept it in .data/token-secret, and there is one there: move it to data/token-secret');
    expect(fingerprint(data)).toBe(before);
  });

  it('TOKEN_SECRET too short: one line, exit 1, nothing left running', () => {
    const { cwd, data } = copy();
    const before = fingerprint(data);
    expectRefusal(status(cwd, 'data', [], { TOKEN_SECRET: 'short' }), 'Environment variable TOKEN_SECRET must be at least 32 bytes');
    expect(fingerprint(data)).toBe(before);
  });

  it('with TOKEN_SECRET set, a missing key file is no problem (the key is in the environment)', () => {
    const { cwd, data } = copy();
    unlinkSync(join(data, 'token-secret'));
    const run = status(cwd, 'data', [], { TOKEN_SECRET: 'a-key-from-the-environment-long-enough' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('3 confirmed');
    expect(existsSync(join(data, 'token-secret'))).toBe(false);
  });

  it('a key file that is too open is made private', () => {
    const { cwd, data } = copy();
    chmodSync(join(data, 'token-secret'), 0o644);
    expect(status(cwd).status).toBe(0);
    expect(statSync(join(data, 'token-secret')).mode & 0o777).toBe(0o600);
  });
});

const asRoot = process.getuid?.() === 0;

/** The test's environment without TOKEN_SECRET, so the key file is what counts. */
function withoutKey(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.TOKEN_SECRET;
  return env;
}
const NOBODY = 65534;
/**
 * As root these cases run the command as nobody (root reads every file), which needs the checkout's
 * path to be open to others; a checkout inside a private folder (mode 0700) cannot be run so.
 */
const unreadableCanRun =
  !asRoot || spawnSync(process.execPath, ['-e', `require('node:fs').accessSync(${JSON.stringify(BIN)})`], { uid: NOBODY, gid: NOBODY, timeout: 30_000 }).status === 0;

/** Runs the CLI as a user who owns the data directory but cannot read one file in it. */
function statusUnreadable(file: (data: string) => string): { run: RunResult; data: string; before: string } {
  const { cwd, data } = copy();
  const target = file(data);
  if (asRoot) {
    // Root reads everything: run as nobody, who owns the directory but not this one file.
    for (const dir of [cwd, content]) chmodSync(dir, 0o755);
    const chownTree = (path: string) => {
      chownSync(path, NOBODY, NOBODY);
      if (lstatSync(path).isDirectory()) for (const child of readdirSync(path)) chownTree(join(path, child));
    };
    chownTree(cwd);
    chownSync(target, 0, 0);
    chmodSync(target, 0o600);
  } else chmodSync(target, 0o000);
  const before = fingerprint(data);
  const result = spawnSync(process.execPath, [BIN, 'status', '--content', content, '--data', 'data'], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    env: withoutKey({ HOME: cwd }),
    ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  delete (result as { error?: unknown }).error;
  return { run: { status: result.status, stdout: result.stdout, stderr: result.stderr }, data, before };
}

describe.skipIf(!unreadableCanRun)('unreadable files (run as nobody when the tests run as root; skipped where nobody cannot reach the checkout)', () => {
  it('an unreadable CURRENT', () => {
    const { run, data, before } = statusUnreadable((d) => join(d, DB, 'CURRENT'));
    expectRefusal(run, `data/dynamo/db/CURRENT cannot be read (permission denied): ${RESTORE}`);
    expect(fingerprint(data)).toBe(before);
  });

  it('an unreadable manifest', () => {
    const { run, data, before } = statusUnreadable((d) => join(d, DB, manifestOf(d)));
    expectRefusal(run, new RegExp(`^newsletter: data/dynamo/db/MANIFEST-\\d+ cannot be read \\(permission denied\\): ${RESTORE.replace(/[.()]/g, '\\$&')}\n$`));
    expect(fingerprint(data)).toBe(before);
  });

  it('an unreadable key file', () => {
    const { run, data, before } = statusUnreadable((d) => join(d, 'token-secret'));
    expectRefusal(run, 'data/token-secret cannot be read (permission denied)');
    expect(fingerprint(data)).toBe(before);
  });
});

describe('the data directory itself', () => {
  it('--data naming a directory that does not exist is a bad argument, and nothing is made', () => {
    const cwd = tempDir();
    made.push(cwd);
    expectRefusal(status(cwd, 'typo'), '--data: data directory typo does not exist (pass --create to make it)', 2);
    expect(existsSync(join(cwd, 'typo'))).toBe(false);
    expectRefusal(status(cwd, '/nonexistent/typo'), '--data: data directory /nonexistent/typo does not exist (pass --create to make it)', 2);
  });

  it('--create makes it, private, and the store, key and files in it are private too', () => {
    const cwd = tempDir();
    made.push(cwd);
    const run = status(cwd, 'new', ['--create']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('0 confirmed');
    expectPrivate(join(cwd, 'new'));
  });

  it('a fresh clone: the default .data is made on first use, private', () => {
    const cwd = tempDir();
    made.push(cwd);
    const run = runCli(['status', '--content', content], { cwd, env: NO_KEY });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('0 confirmed');
    expectPrivate(join(cwd, '.data'));
    expect(statSync(join(cwd, '.data/token-secret')).isFile()).toBe(true);
  });

  it('an older data directory (0755 folders, 0644 files) is made private when it is opened', () => {
    const { cwd, data } = copy();
    const loosen = (path: string) => {
      chmodSync(path, lstatSync(path).isDirectory() ? 0o755 : 0o644);
      if (lstatSync(path).isDirectory()) for (const child of readdirSync(path)) loosen(join(path, child));
    };
    loosen(data);
    expect(status(cwd).status).toBe(0);
    expectPrivate(data);
  });

  it('a symbolic link to a data directory is followed', () => {
    const { cwd, data } = copy();
    symlinkSync(data, join(cwd, 'linked'));
    const run = status(cwd, 'linked');
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('3 confirmed');
  });

  it.each<[string, (cwd: string) => void, string]>([
    ['a dangling symbolic link', (cwd) => symlinkSync(join(cwd, 'gone'), join(cwd, 'linked')), 'data directory linked is a symbolic link to {cwd}/gone, which does not exist'],
    [
      'a symbolic link loop',
      (cwd) => {
        symlinkSync(join(cwd, 'loop-b'), join(cwd, 'linked'));
        symlinkSync(join(cwd, 'linked'), join(cwd, 'loop-b'));
      },
      'data directory linked is a symbolic link to {cwd}/loop-b, which leads back to itself',
    ],
    ['a file', (cwd) => writeFileSync(join(cwd, 'linked'), 'x'), 'data directory linked is not a directory'],
  ])('%s is refused, naming it, and --create does not write through it', (_what, make, message) => {
    const cwd = tempDir();
    made.push(cwd);
    make(cwd);
    for (const extra of [[], ['--create']]) expectRefusal(status(cwd, 'linked', extra), message.replace('{cwd}', cwd));
    expect(existsSync(join(cwd, 'gone'))).toBe(false);
  });
});

describe('a store held by another process', () => {
  it('a process holding the store without serving it: the command waits a little, then says so', async () => {
    const { cwd, data } = copy();
    const holder = spawn(
      process.execPath,
      ['-e', `const { ClassicLevel } = require('classic-level'); const db = new ClassicLevel(${JSON.stringify(join(data, DB))}, { createIfMissing: false }); db.open().then(() => console.log('open')); setInterval(() => {}, 1000);`],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve) => createInterface({ input: holder.stdout! }).on('line', (l) => l === 'open' && resolve()));
      expectRefusal(status(cwd), 'the embedded store in data/dynamo/db is locked by another process that does not answer; stop it, then try again');
    } finally {
      const gone = new Promise((r) => holder.once('exit', r));
      holder.kill();
      await gone;
    }
    expect(status(cwd).stdout).toContain('3 confirmed');
  });

  it('a store left by a process killed with SIGKILL opens with its data', async () => {
    const { cwd, data } = copy();
    const server = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--no-schedule', '--content', content, '--data', data], { cwd, env: withoutKey(), stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve) => createInterface({ input: server.stdout! }).on('line', (l) => l.startsWith('newsletter is running') && resolve()));
    const added = runCli(['subscribers', 'add', 'dave@example.com', '--content', content, '--data', 'data'], { cwd, env: NO_KEY });
    expect(added.stdout).toBe('added dave@example.com (confirmed)\n');
    const dead = new Promise((r) => server.once('exit', r));
    server.kill('SIGKILL');
    await dead;
    const run = status(cwd);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('4 confirmed');
  });
});

function expectPrivate(dir: string): void {
  const walk = (path: string) => {
    const info = lstatSync(path);
    if (info.isSymbolicLink()) return;
    expect([path, info.mode & 0o777]).toEqual([path, info.isDirectory() ? 0o700 : 0o600]);
    if (info.isDirectory()) for (const child of readdirSync(path)) walk(join(path, child));
  };
  walk(dir);
}

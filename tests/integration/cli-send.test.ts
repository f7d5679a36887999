import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { openSystem } from '../../functions/wiring/system.ts';
import { ROOT, runCli, tempDir } from '../helpers/cli.ts';
import { memoryLogger } from '../helpers/memory.ts';
import { articleText } from '../helpers/factories.ts';
import { startServerProcess } from '../helpers/server-process.ts';

function project(): string {
  const cwd = tempDir('newsletter-send-');
  cpSync(join(ROOT, 'content'), join(cwd, 'content'), { recursive: true });
  return cwd;
}

async function addConfirmed(cwd: string, emails: string[]): Promise<void> {
  const system = await openSystem({ contentDir: join(cwd, 'content'), dataDir: join(cwd, '.data'), log: memoryLogger() });
  try {
    for (const email of emails) await system.stores.subscribers.addConfirmed(email, new Date('2024-11-01T00:00:00Z'), 'cli');
  } finally {
    await system.close();
  }
}

const outbox = (cwd: string) => {
  try {
    return readdirSync(join(cwd, '.data/outbox')).filter((f) => f.endsWith('.eml'));
  } catch {
    return [];
  }
};

describe('newsletter send (embedded store and outbox)', () => {
  it('a dry run changes nothing; a send delivers once; a second send sends nothing', async () => {
    const cwd = project();
    await addConfirmed(cwd, ['ann@example.com', 'bob@example.com']);
    // The shipped weekly digest comes on Mondays 07:00 in Seoul (Sundays 22:00 UTC): a send on 25 November
    // 2024 plans its issue of 24 November 22:00 UTC, which carries the seed article of 20 November. The
    // military briefing (Thursdays 18:00 in Seoul) carries it too, on 21 November, but nobody chose it:
    // records without choices (as these, added straight to the store) receive the digest only.
    const dry = runCli(['send', '--at', '2024-11-25T00:00:00Z', '--dry-run'], { cwd });
    expect(dry.status).toBe(0);
    expect(dry.stdout).toBe(
      'digest: dry run: issue 2024-11-24T2200Z "North Korean troops in Russia were sent without a choice, defector says" with 1 article(s) would go to 2 confirmed subscriber(s)\n' +
        'military: dry run: issue military-2024-11-21T0900Z "Military briefing: North Korean troops in Russia were sent without a choice, defector says" with 1 article(s) would go to 0 confirmed subscriber(s)\n',
    );
    expect(outbox(cwd)).toEqual([]);

    const first = runCli(['send', '--at', '2024-11-25T00:00:00Z'], { cwd });
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('issue 2024-11-24T2200Z: sent 2, skipped 0, failed 0');
    expect(first.stderr).toContain('batches 1 · recipients 2 · sent 2');
    const files = outbox(cwd);
    expect(files).toHaveLength(2);
    const parsed = await simpleParser(readFileSync(join(cwd, '.data/outbox', files[0]!)));
    expect(parsed.subject).toBe('North Korean troops in Russia were sent without a choice, defector says');
    // Links in local mail point at the local server.
    expect(parsed.text).toContain('http://localhost:3000/api/unsubscribe?token=');
    // "View in browser" is the issue's page, written by the send itself into the site the server serves.
    const archiveUrl = /View this issue in your browser: (\S+)/.exec(parsed.text ?? '')![1]!;
    expect(archiveUrl).toBe('http://localhost:3000/issues/2024-11-24T2200Z.html');
    const page = readFileSync(join(cwd, '.data/site', new URL(archiveUrl).pathname), 'utf8');
    expect(page).toContain('North Korean troops in Russia were sent without a choice, defector says');
    expect(readFileSync(join(cwd, '.data/site/issues/index.html'), 'utf8')).toContain('href="2024-11-24T2200Z.html"');

    // Any time in the same week names the same issue: nothing goes out twice, and the dry run says so.
    const second = runCli(['send', '--at', '2024-11-28T12:00:00Z'], { cwd });
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('issue 2024-11-24T2200Z: sent 0');
    expect(outbox(cwd)).toHaveLength(2);
    const dryAfter = runCli(['send', '--at', '2024-11-25T00:00:00Z', '--dry-run'], { cwd });
    expect(dryAfter.stdout).toMatch(/^digest: dry run: issue 2024-11-24T2200Z "North Korean troops[^"]*" was sent on \S+; nothing would be sent again\n/);

    const later = runCli(['send', '--at', '2024-12-30T00:00:00Z'], { cwd });
    expect(later.stdout).toBe(
      'digest: issue 2024-12-29T2200Z: nothing to send (no new articles since the last issue)\nmilitary: issue military-2024-12-26T0900Z: nothing to send (no new articles since the last issue)\n',
    );
    const one = runCli(['send', '--at', '2024-12-30T00:00:00Z', '--newsletter', 'military'], { cwd });
    expect(one.stdout).toBe('issue military-2024-12-26T0900Z: nothing to send (no new articles since the last issue)\n');
    expect(runCli(['send', '--newsletter', 'culture'], { cwd })).toMatchObject({ status: 2, stderr: expect.stringContaining('--newsletter: no newsletter "culture": name one of digest, military') });
  });

  it('refuses a second send while one runs, with a clear message, and sends nobody two digests', async () => {
    const cwd = project();
    await addConfirmed(cwd, ['ann@example.com']);
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      mkdirSync(join(cwd, '.data'), { recursive: true });
      writeFileSync(join(cwd, '.data/send.lock'), String(sleeper.pid));
      const blocked = runCli(['send', '--at', '2024-11-25T00:00:00Z'], { cwd });
      expect(blocked.status).toBe(3);
      expect(blocked.stderr.trim().split('\n').at(-1)).toBe(`newsletter: another send is running (process ${sleeper.pid}); wait for it to finish, then run send again`);
      expect(outbox(cwd)).toEqual([]);
    } finally {
      const gone = new Promise((r) => sleeper.once('exit', r));
      sleeper.kill();
      await gone;
    }
    // A lock that holds no process id is named, not taken over silently.
    writeFileSync(join(cwd, '.data/send.lock'), 'garbage');
    const damaged = runCli(['send', '--at', '2024-11-25T00:00:00Z'], { cwd });
    expect(damaged.status).toBe(1);
    expect(damaged.stderr).toMatch(/send\.lock does not hold a process id: delete it if no newsletter send is running\n$/);
    expect(outbox(cwd)).toEqual([]);
    // A lock left by a process that is gone is taken over.
    writeFileSync(join(cwd, '.data/send.lock'), String(sleeper.pid));
    const after = runCli(['send', '--at', '2024-11-25T00:00:00Z'], { cwd });
    expect(after.status).toBe(0);
    expect(outbox(cwd)).toHaveLength(1);
  });

  it.each(['next monday', '2024-02-30T07:00:00Z', '2023-02-29T07:00:00Z', '2024-11-25T24:00:00Z', '2024-11-25T07:00:00'])('--at %j is refused as a bad argument (exit 2), not shifted', (value) => {
    const run = runCli(['send', '--at', value], { cwd: project() });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`newsletter: --at: ${JSON.stringify(value)} is not an ISO 8601 time such as 2026-01-05T07:00:00Z\n`);
  });

  it('a send for a time ahead of now is refused, mails nobody and moves no watermark', async () => {
    const cwd = project();
    writeFileSync(join(cwd, 'content/articles/embargoed.md'), articleText({ title: 'Embargoed until 2099', date: '2099-01-01T00:00:00Z' }));
    await addConfirmed(cwd, ['ann@example.com']);
    for (const args of [['send', '--at', '2099-01-02T00:00:00Z'], ['send', '--at', '2099-01-02T00:00:00Z', '--dry-run']]) {
      const run = runCli(args, { cwd });
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/^newsletter: --at: 2099-01-02T00:00:00\.000Z is in the future \(now is \S+\): an issue is sent at its scheduled time, never ahead of it\n$/);
    }
    expect(outbox(cwd)).toEqual([]);
    const watermark = async () => {
      const system = await openSystem({ contentDir: join(cwd, 'content'), dataDir: join(cwd, '.data'), log: memoryLogger() });
      try {
        return (await system.stores.issues.getListState(system.settings.digest.listId)).watermark?.toISOString();
      } finally {
        await system.close();
      }
    };
    expect(await watermark()).toBeUndefined();
    // The issue due now carries nothing dated after now, and the watermark stops at its scheduled time.
    expect(runCli(['send', '--at', '2024-11-25T00:00:00Z'], { cwd }).stdout).toContain('sent 1');
    const mail = await simpleParser(readFileSync(join(cwd, '.data/outbox', outbox(cwd)[0]!)));
    expect(mail.text).not.toContain('Embargoed');
    expect(await watermark()).toBe('2024-11-24T22:00:00.000Z');
  });
});

describe('newsletter serve', () => {
  it('a port already in use is a clear one-line error', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = runCli(['serve', '--port', String(port), '--no-schedule'], { cwd: project() });
      expect(run.status).toBe(1);
      expect(run.stderr).toBe(`newsletter: port ${port} is already in use: stop what is using it, or set PORT to another port\n`);
    } finally {
      blocker.close();
    }
  });
});

describe('npm start (newsletter serve) on its own', () => {
  it('picks up content changes without a restart and keeps its data across restarts', async () => {
    const cwd = project();
    let server = await startServerProcess(cwd);
    try {
      const feed = () => fetch(new URL('feed.xml', server.url)).then((r) => r.text());
      expect(await feed()).not.toContain('A later report');
      writeFileSync(join(cwd, 'content/articles/later.md'), articleText({ title: 'A later report', date: '2024-12-01T09:00:00Z' }));
      await expect.poll(feed, { timeout: 15_000, interval: 250 }).toContain('A later report');
      const res = await fetch(new URL('api/subscribe', server.url), { method: 'POST', body: 'email=kept%40example.com', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(res.status).toBe(202);
      expect(await server.stop()).toBe(0);
      server = await startServerProcess(cwd);
      const status = runCli(['status'], { cwd });
      expect(status.stdout).toContain('1 pending');
      const outbox = await fetch(new URL('outbox', server.url)).then((r) => r.text());
      expect(outbox).toContain('kept@example.com');
    } finally {
      await server.stop();
    }
  }, 120_000);
});

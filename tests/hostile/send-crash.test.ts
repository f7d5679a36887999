import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import type { Mailer } from '../../functions/core/ports.ts';
import { sendIssue } from '../../functions/local/send.ts';
import { POLICY } from '../../functions/core/policy.ts';
import { openSystem, type System } from '../../functions/wiring/system.ts';
import { ROOT, tempDir, tempTree } from '../helpers/cli.ts';
import { articleText, settingsYaml } from '../helpers/factories.ts';
import { memoryLogger } from '../helpers/memory.ts';

const AT = '2026-01-05T07:00:00Z';
const READERS = Array.from({ length: 30 }, (_, i) => `reader${String(i).padStart(2, '0')}@example.com`);
const AFTER_WINDOW = () => new Date(Date.parse(AT) + POLICY.inDoubtMs + 60_000);
const ENV = { ...process.env, TOKEN_SECRET: 'send-crash-test-secret-that-is-long-enough' };
const cleanup: string[] = [];
afterEach(() => {
  for (const dir of cleanup.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project(): { content: string; data: string } {
  const content = tempTree({ 'publication.yaml': settingsYaml(), 'articles/news.md': articleText({ title: 'The news', date: '2026-01-03T10:00:00Z' }) });
  const data = join(tempDir(), 'data');
  cleanup.push(content, data);
  return { content, data };
}

async function open(paths: { content: string; data: string }): Promise<System> {
  return openSystem({ contentDir: paths.content, dataDir: paths.data, log: memoryLogger(), env: ENV });
}

/** Every `.eml` in the outbox as (issue, subscriber, To address), read from the files themselves. */
async function outbox(data: string): Promise<{ issue: string; subscriber: string; to: string }[]> {
  const dir = join(data, 'outbox');
  const out = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.eml'))) {
    const meta = JSON.parse(readFileSync(join(dir, name.replace(/\.eml$/, '.json')), 'utf8')) as { tags: Record<string, string> };
    const parsed = await simpleParser(readFileSync(join(dir, name)));
    const to = Array.isArray(parsed.to) ? '' : (parsed.to?.value[0]?.address ?? '');
    out.push({ issue: meta.tags.issue!, subscriber: meta.tags.subscriber!, to });
  }
  return out;
}

/** One message per reader, to that reader, for one issue; the issue finished and every delivery recorded as sent. */
async function expectOncePerReader(paths: { content: string; data: string }): Promise<void> {
  const messages = await outbox(paths.data);
  expect(messages.map((m) => m.to).sort()).toEqual(READERS);
  expect(new Set(messages.map((m) => `${m.issue} ${m.subscriber}`)).size).toBe(READERS.length);
  expect(new Set(messages.map((m) => m.issue)).size).toBe(1);
  const system = await open(paths);
  try {
    // The issue counts each reader once, and every reader's delivery is recorded as sent (and, the outbox
    // standing in for SES, delivered).
    expect(await system.stores.issues.getIssue(messages[0]!.issue)).toMatchObject({ status: 'sent', sent: READERS.length, failed: 0, delivered: READERS.length });
    const records = await system.stores.deliveries.recorded(messages[0]!.issue, messages.map((m) => m.subscriber));
    expect(records.size).toBe(READERS.length);
    expect(new Set([...records.values()].map((r) => r.status))).toEqual(new Set(['sent']));
  } finally {
    await system.close();
  }
}

async function withReaders(paths: { content: string; data: string }): Promise<void> {
  const system = await open(paths);
  try {
    for (const email of READERS) await system.stores.subscribers.addConfirmed(email, new Date('2026-01-01T00:00:00Z'), 'cli');
  } finally {
    await system.close();
  }
}

describe('a local send that dies between writing a message and recording it, resumed after the in-doubt window', () => {
  it('in process: the stalled messages are not written again', async () => {
    const paths = project();
    await withReaders(paths);
    const first = await open(paths);
    let written = 0;
    let stalled!: () => void;
    const stall = new Promise<void>((r) => (stalled = r));
    const mailer: Mailer = {
      async send(message) {
        const out = await first.mailer.send(message);
        if (++written === 5) stalled();
        return written >= 5 ? new Promise(() => undefined) : out;
      },
    };
    const dying = sendIssue({ ...first, mailer }, new Date(AT), { now: () => new Date(AT) });
    dying.catch(() => undefined);
    await stall;
    await first.close();
    const stalledCount = (await outbox(paths.data)).length;
    expect(stalledCount).toBeGreaterThanOrEqual(5);
    expect(stalledCount).toBeLessThan(READERS.length);

    // A new process a minute later: on one machine nobody else can hold a claim (sends take a lock), so the
    // claims left in doubt are retried at once, and the outbox answers for the messages it already holds…
    const resumed = await open(paths);
    try {
      expect(await sendIssue(resumed, new Date(AT), { now: () => new Date(Date.parse(AT) + 60_000), retryDelayMs: 1 })).toMatchObject({ kind: 'sent', incomplete: 0 });
      // …and a send long after finds nothing left to do.
      expect(await sendIssue(resumed, new Date(AT), { now: AFTER_WINDOW, retryDelayMs: 1 })).toMatchObject({ kind: 'sent', progress: { sent: 0 } });
    } finally {
      await resumed.close();
    }
    await expectOncePerReader(paths);
  });

  it('a real process killed with SIGKILL: resumed later, one message per subscriber', async () => {
    const paths = project();
    await withReaders(paths);
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'tests/hostile/fixtures/stalling-send.ts'), paths.data, paths.content, AT, '7'], {
      cwd: ROOT,
      env: ENV,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stderr: string[] = [];
    createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => line === 'stalled' && resolve());
      child.once('exit', (code) => reject(new Error(`the send exited (${code}) before it stalled: ${stderr.join('\n')}`)));
    });
    const dead = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await dead;
    expect((await outbox(paths.data)).length).toBeLessThan(READERS.length);

    const resumed = await open(paths);
    try {
      await sendIssue(resumed, new Date(AT), { now: AFTER_WINDOW, retryDelayMs: 1 });
    } finally {
      await resumed.close();
    }
    await expectOncePerReader(paths);
  });
});

import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { openSystem } from '../../functions/wiring/system.ts';
import { ROOT, runCli, tempDir } from '../helpers/cli.ts';
import { memoryLogger } from '../helpers/memory.ts';

// The console's powers on the command line, as a user runs them: one project, one real send.
let cwd: string;
const SEED_ISSUE = '2024-11-24T2200Z';

const outbox = () => readdirSync(join(cwd, '.data/outbox')).filter((f) => f.endsWith('.eml')).sort();
const run = (...args: string[]) => runCli(args, { cwd });

beforeAll(async () => {
  cwd = tempDir('newsletter-cli-issues-');
  cpSync(join(ROOT, 'content'), join(cwd, 'content'), { recursive: true });
  const system = await openSystem({ contentDir: join(cwd, 'content'), dataDir: join(cwd, '.data'), log: memoryLogger() });
  try {
    for (const email of ['ann@example.com', 'bob@example.com']) await system.stores.subscribers.addConfirmed(email, new Date('2024-11-01T00:00:00Z'), 'cli');
    await system.stores.subscribers.unsubscribe((await system.stores.subscribers.pageByState('confirmed', undefined, 1)).items[0]!.id, new Date('2024-11-02T00:00:00Z'), 'one-click');
  } finally {
    await system.close();
  }
  expect(run('issues').stdout).toContain('no issue yet');
  const sent = run('send', '--at', '2024-11-25T00:00:00Z');
  expect(sent.status).toBe(0);
}, 120_000);

describe('newsletter issues', () => {
  it('lists every issue newest first with its figures, and shows one with its articles', () => {
    const list = run('issues');
    expect(list.status).toBe(0);
    // The sample has two newsletters: every one's issues, newest first, each with its newsletter's name.
    const [header, ...rows] = list.stdout.trim().split('\n');
    expect(header!.split(/\s+/)).toEqual(['issue', 'newsletter', 'status', 'planned', 'sent', 'skipped', 'failed', 'delivered', 'bounced', 'complained', 'subject']);
    // On one machine the outbox counts as delivered.
    expect(rows.map((r) => r.split(/\s{2,}/).slice(0, 10))).toEqual([
      [SEED_ISSUE, 'North Korea Watch weekly', 'sent', '1', '1', '0', '0', '1', '0', '0'],
      ['military-2024-11-21T0900Z', 'Military briefing', 'sent', '0', '0', '0', '0', '0', '0', '0'],
    ]);
    expect(rows[0]).toContain('North Korean troops in Russia');
    const one = run('issues', '--newsletter', 'military', '--limit', '1');
    expect(one.stdout.trim().split('\n').slice(1).filter((r) => !r.startsWith('more:')).map((r) => r.split(/\s{2,}/)[0])).toEqual(['military-2024-11-21T0900Z']);
    // Paging across newsletters: one a page, then the other, then no more.
    const first = run('issues', '--limit', '1');
    const more = /more: newsletter issues --after (\S+)/.exec(first.stdout)?.[1];
    expect(first.stdout).toContain(SEED_ISSUE);
    const second = run('issues', '--limit', '1', '--after', more!);
    expect(second.stdout).toContain('military-2024-11-21T0900Z');
    expect(second.stdout).not.toContain('more:');
    expect(run('issues', '--after', 'not-a-cursor!').status).toBe(2);

    const show = run('issues', 'show', SEED_ISSUE);
    expect(show.status).toBe(0);
    expect(show.stdout).toContain(`issue ${SEED_ISSUE}: sent`);
    expect(show.stdout).toContain('newsletter: North Korea Watch weekly (digest)');
    expect(show.stdout).toContain('figures:   planned 1, sent 1, skipped 0, failed 0, delivered 1, bounced 0, complained 0, rejected 0');
    expect(show.stdout).toContain('tracking:  opens off, clicks off');
    expect(show.stdout).toMatch(/articles \(1\):\n {2}2024-11-20 {2}North Korean troops/);
    expect(show.stdout).toContain(`/issues/${SEED_ISSUE}.html`);
  });

  it('refuses an id that cannot be one (exit 2) and names one that does not exist (exit 1)', () => {
    const bad = run('issues', 'show', '../../etc/passwd');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('is not an issue id');
    const missing = run('issues', 'show', '2030-01-06T2200Z');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('there is no issue 2030-01-06T2200Z');
  });
});

describe('newsletter subscribers show', () => {
  it("prints one subscriber's ledger with each source and their deliveries", () => {
    const lines = (email: string) => {
      const shown = run('subscribers', 'show', email);
      expect(shown.status, shown.stderr).toBe(0);
      return shown.stdout;
    };
    const people = ['ann@example.com', 'bob@example.com'].map(lines);
    const received = people.find((text) => text.includes(`${SEED_ISSUE}  sent`))!;
    expect(received).toMatch(/: confirmed since /);
    expect(received).toMatch(/consent history:\n {2}2024-11-01T00:00:00\.000Z {2}added \(cli\)/);
    const left = people.find((text) => text !== received)!;
    expect(left).toContain('unsubscribed (one-click)');
    expect(left).toMatch(/deliveries \(newest 2 issue\(s\)\):\n {2}none/);
    const missing = run('subscribers', 'show', 'zed@example.com');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('zed@example.com is not on the list');
    expect(run('subscribers', 'show', 'not-an-address').status).toBe(2);
  });
});

describe('newsletter send --test', () => {
  it('writes one marked message to the outbox and changes no figure', async () => {
    const before = { outbox: outbox(), issues: run('issues').stdout };
    const test = run('send', '--test', 'Desk@Example.ORG');
    expect(test.status, test.stderr).toBe(0);
    expect(test.stdout).toContain(`test of issue ${SEED_ISSUE} sent to Desk@example.org`);
    const added = outbox().filter((f) => !before.outbox.includes(f));
    expect(added).toHaveLength(1);
    const mail = await simpleParser(readFileSync(join(cwd, '.data/outbox', added[0]!)));
    expect(mail.subject).toBe('[Test] North Korean troops in Russia were sent without a choice, defector says');
    expect(mail.to).toMatchObject({ text: 'Desk@example.org' });
    // The outbox records no issue or subscriber for it (SES would count nothing either).
    expect(JSON.parse(readFileSync(join(cwd, '.data/outbox', added[0]!.replace(/\.eml$/, '.json')), 'utf8')).tags).toEqual({ kind: 'test-send' });
    expect(run('issues').stdout).toBe(before.issues);
    expect(run('send', '--test', 'nobody').status).toBe(2);
    expect(run('send', '--test', 'a@example.org', '--at', '2024-11-25T00:00:00Z').status).toBe(2);
  });
});

describe('the newsletter command', () => {
  it('prints its version from package.json', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    for (const flag of ['--version', '-V']) {
      const out = run(flag);
      expect(out.status).toBe(0);
      expect(out.stdout.trim()).toBe(version);
    }
  });

  it('exits 2 without a command, after the usage', () => {
    const out = run();
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('Usage: newsletter');
  });

  it.each([
    [['--bogus']],
    [['nosuch']],
    [['build', '--bogus']],
    [['build', '--out']],
    [['import']],
    [['import', 'x.txt', '--title', 'T', '--date', 'last Tuesday']],
    [['preview', '--at', 'soon']],
    [['preview', '--to', 'nobody']],
    [['send', '--at', '2024-02-30T00:00:00Z']],
    [['send', '--at', '2999-01-01T00:00:00Z']],
    [['serve', '--port', 'eighty']],
    [['status', '--bogus']],
    [['issues', '--limit', '0']],
    [['issues', 'show']],
    [['issues', '--newsletter', 'No Such']],
    [['send', '--test', 'desk@example.org', '--newsletter', 'No Such']],
    [['subscribers', 'list', '--state', 'everyone']],
    [['subscribers', 'add', 'not-an-address']],
    [['subscribers', 'show']],
    [['status', '--data', '/nonexistent/typo']],
  ])('exits 2 for a bad argument: newsletter %j', (args) => {
    const out = run(...args);
    expect(out.status, out.stderr).toBe(2);
    expect(out.stderr.trim().split('\n').length).toBeLessThanOrEqual(3);
  });
});

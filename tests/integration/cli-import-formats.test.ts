import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir, tempTree } from '../helpers/cli.ts';
import { settingsObject, settingsYaml } from '../helpers/factories.ts';

// The exports people have, written from each service's documented columns (tests/fixtures/imports,
// example addresses only), imported by the command a user runs and read back with `subscribers export`.
const FIXTURES = join(ROOT, 'tests/fixtures/imports');
const env = { TOKEN_SECRET: 'import-formats-test-secret-long-enough' };
const { listId: _single, ...shared } = settingsObject().digest as Record<string, unknown>;
const newsletters = [
  { id: 'digest', name: 'Weekly', schedule: { cron: '0 7 * * 1', timezone: 'UTC' }, listId: 'digest.gazette.example.org' },
  { id: 'economy', name: 'Economy', schedule: { cron: '0 8 * * 4', timezone: 'UTC' }, listId: 'economy.gazette.example.org', tags: ['economy'], default: false },
];

function store() {
  const content = tempTree({ 'publication.yaml': settingsYaml({ digest: shared, newsletters }) });
  const cwd = tempDir();
  const run = (...args: string[]) => runCli([...args, '--content', content, '--data', 'store', '--create'], { cwd, env });
  const exported = () => {
    const out = run('subscribers', 'export');
    expect(out.status, out.stderr).toBe(0);
    const rows = parse(out.stdout, { columns: true }) as Record<string, string>[];
    return new Map(rows.map((r) => [r.email, r]));
  };
  return { run, exported };
}

const pick = (row: Record<string, string> | undefined) => row && { name: row.name, state: row.state, newsletters: row.newsletters };

describe('importing the exports people have', () => {
  it('Mailchimp: the subscribed file as confirmed with names, the unsubscribed file as opt-outs, the cleaned file as suppressed; a bad row reported by line', () => {
    const { run, exported } = store();
    const subscribed = run('subscribers', 'import', join(FIXTURES, 'mailchimp-subscribed.csv'), '--newsletters', 'digest,economy');
    expect(subscribed.stdout).toBe('read as a mailchimp export\nimported 2\nalready present 0\nbad rows 1 (listed on stderr)\n');
    expect(subscribed.stderr).toMatch(/mailchimp-subscribed\.csv:4: "not-an-address": that does not look like an email address/);
    expect(run('subscribers', 'import', join(FIXTURES, 'mailchimp-unsubscribed.csv')).stdout).toContain('imported 1 (1 of them as unsubscribed or suppressed, never mailed)');
    expect(run('subscribers', 'import', join(FIXTURES, 'mailchimp-cleaned.csv')).stdout).toContain('imported 1 (1 of them as unsubscribed or suppressed, never mailed)');
    const rows = exported();
    expect(pick(rows.get('mc.ana@example.com'))).toEqual({ name: 'Ana Example', state: 'confirmed', newsletters: 'digest economy' });
    expect(rows.get('mc.ana@example.com')).toMatchObject({ created_at: '2023-05-01T09:10:11.000Z', confirmed_at: '2023-05-01T09:12:00.000Z' });
    expect(pick(rows.get('mc.bo@example.org'))).toEqual({ name: 'Bo', state: 'confirmed', newsletters: 'digest economy' });
    expect(rows.get('mc.cy@example.com')).toMatchObject({ state: 'unsubscribed', unsubscribed_at: '2023-07-23T12:19:27.000Z', name: 'Cy' });
    expect(rows.get('mc.di@example.com')).toMatchObject({ state: 'suppressed', suppressed_at: '2023-03-23T17:30:05.000Z', suppressed_reason: expect.stringMatching(/cleaned in Mailchimp/) });
    expect(rows.size).toBe(4);
  });

  it('Substack: email_disabled rows as unsubscribed, the rest confirmed; a row with an unreadable flag reported, the rest imported', () => {
    const { run, exported } = store();
    const out = run('subscribers', 'import', join(FIXTURES, 'substack.csv'));
    expect(out.stdout).toContain('read as a substack export');
    expect(out.stderr).toMatch(/substack\.csv:5: email_disabled "perhaps" is not true or false/);
    const rows = exported();
    expect(pick(rows.get('ss.ed@example.com'))).toEqual({ name: '', state: 'confirmed', newsletters: '' });
    expect(rows.get('ss.flo@example.com')).toMatchObject({ state: 'confirmed', created_at: '2023-01-02T10:00:00.000Z' });
    expect(rows.get('ss.gus@example.com')).toMatchObject({ state: 'unsubscribed' });
    expect(rows.has('ss.hal@example.com')).toBe(false);
  });

  it('Ghost: names kept, subscribed_to_emails false and deleted members as opt-outs', () => {
    const { run, exported } = store();
    expect(run('subscribers', 'import', join(FIXTURES, 'ghost.csv')).stdout).toBe('read as a ghost export\nimported 4 (2 of them as unsubscribed or suppressed, never mailed)\nalready present 0\nbad rows 0\n');
    const rows = exported();
    expect(pick(rows.get('gh.ida@example.com'))).toEqual({ name: 'Ida Example', state: 'confirmed', newsletters: '' });
    expect(rows.get('gh.jo@example.com')).toMatchObject({ state: 'unsubscribed', name: 'Jo' });
    expect(rows.get('gh.kim@example.com')).toMatchObject({ state: 'confirmed', name: 'Kim "K" Example' });
    expect(rows.get('gh.lu@example.com')).toMatchObject({ state: 'unsubscribed', unsubscribed_at: '2023-01-01T00:00:00.000Z' });
  });

  it('Buttondown: paying and regular types confirmed, unactivated pending (not mailed), unsubscribed and removed opt-outs, spammy suppressed; an unknown type reported', () => {
    const { run, exported } = store();
    const out = run('subscribers', 'import', join(FIXTURES, 'buttondown.csv'));
    expect(out.stdout).toBe('read as a buttondown export\nimported 6 (3 of them as unsubscribed or suppressed, never mailed)\npending, never confirmed, not mailed 1\nalready present 0\nbad rows 1 (listed on stderr)\n');
    expect(out.stderr).toMatch(/buttondown\.csv:8: subscriber type "mystery" is not one Buttondown documents/);
    const states = Object.fromEntries([...exported()].map(([email, row]) => [email, row.state]));
    expect(states).toEqual({
      'bd.max@example.com': 'confirmed',
      'bd.ned@example.com': 'confirmed',
      'bd.oli@example.com': 'pending',
      'bd.pat@example.com': 'unsubscribed',
      'bd.quin@example.com': 'unsubscribed',
      'bd.ray@example.com': 'suppressed',
    });
    // No mail went out for the pending row (nor any other): an import never mails.
    expect(run('status').stdout).toContain('1 pending');
  });

  it('reads a format given with --format whatever the header says, and refuses an unknown one or an unknown newsletter with exit 2', () => {
    const { run } = store();
    expect(run('subscribers', 'import', join(FIXTURES, 'ghost.csv'), '--format', 'mailchimp')).toMatchObject({ status: 1, stderr: expect.stringMatching(/ghost\.csv:1: the header row has no address column of a mailchimp export/) });
    expect(run('subscribers', 'import', join(FIXTURES, 'ghost.csv'), '--format', 'listmonk')).toMatchObject({ status: 2, stderr: expect.stringMatching(/--format: "listmonk" is not one of native, mailchimp, substack, ghost, buttondown/) });
    expect(run('subscribers', 'import', join(FIXTURES, 'ghost.csv'), '--newsletters', 'digest,culture')).toMatchObject({ status: 2, stderr: expect.stringMatching(/--newsletters: no newsletter "culture" \(there are: digest, economy\)/) });
  });
});

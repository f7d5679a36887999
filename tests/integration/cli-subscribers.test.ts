import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, tempTree } from '../helpers/cli.ts';
import { settingsYaml } from '../helpers/factories.ts';

const ENV = { TOKEN_SECRET: 'subscribers-cli-test-secret-long-enough' };

/** A publication and an empty data directory; `run` calls the CLI on them from a temporary cwd. */
function setup() {
  const content = tempTree({ 'publication.yaml': settingsYaml() });
  const cwd = tempDir();
  const data = join(cwd, 'store');
  const run = (...args: string[]) => runCli([...args, '--content', content, '--data', data, '--create'], { cwd, env: ENV });
  return { cwd, data, run };
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

/** `subscribers list` output as address → state. */
function listed(stdout: string): Map<string, string> {
  return new Map(lines(stdout).map((l) => {
    const [email, state, since] = l.split('\t');
    expect(Number.isNaN(new Date(since!).getTime())).toBe(false);
    return [email!, state!];
  }));
}

describe('newsletter subscribers add, confirm, remove, list', () => {
  it('adds confirmed or pending subscribers, confirms, unsubscribes for good, and lists them', async () => {
    const { data, run } = setup();

    const added = run('subscribers', 'add', 'Reader@Example.ORG');
    expect(added.stderr).toBe('');
    expect(added.stdout).toBe('added Reader@example.org (confirmed)\n');
    expect(added.status).toBe(0);

    const pending = run('subscribers', 'add', '--pending', 'new@example.net');
    expect(pending.stdout).toContain('added new@example.net (pending); confirmation mail sent');
    expect(pending.status).toBe(0);
    const outbox = join(data, 'outbox');
    const emls = readdirSync(outbox).filter((f) => f.endsWith('.eml'));
    expect(emls).toHaveLength(1);
    const mail = await simpleParser(readFileSync(join(outbox, emls[0]!)));
    expect(mail.to).toMatchObject({ value: [{ address: 'new@example.net' }] });
    expect(mail.text).toMatch(/confirm\?token=/);

    expect(run('subscribers', 'confirm', 'new@example.net')).toMatchObject({ status: 0, stdout: 'confirmed new@example.net\n' });
    expect(run('subscribers', 'remove', 'reader@example.org')).toMatchObject({ status: 0, stdout: expect.stringContaining('unsubscribed Reader@example.org') });

    // Adding an address that unsubscribed does not resubscribe it.
    const again = run('subscribers', 'add', 'Reader@example.org');
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/^newsletter: Reader@example\.org is unsubscribed since \S+ and is not resubscribed.*\n$/);

    const invalid = run('subscribers', 'add', 'reader@');
    expect(invalid.status).toBe(2);
    expect(invalid.stderr).toBe('newsletter: "reader@" is not a valid email address: that does not look like an email address\n');
    const missing = run('subscribers', 'confirm', 'nobody@example.com');
    expect(missing).toMatchObject({ status: 1, stderr: 'newsletter: nobody@example.com is not on the list\n' });

    const all = run('subscribers', 'list');
    expect(all.status).toBe(0);
    expect(listed(all.stdout)).toEqual(new Map([['new@example.net', 'confirmed'], ['Reader@example.org', 'unsubscribed']]));
    const one = run('subscribers', 'list', '--state', 'unsubscribed', '--limit', '1');
    expect(listed(one.stdout)).toEqual(new Map([['Reader@example.org', 'unsubscribed']]));
    expect(run('subscribers', 'list', '--state', 'gone').stderr).toBe('newsletter: --state: "gone" is not one of pending, confirmed, unsubscribed, suppressed\n');
  }, 180_000);
});

describe('newsletter subscribers import and export', () => {
  it('imports the good rows, reports each bad one by line, never resubscribes, and changes nothing the second time', () => {
    const { cwd, run } = setup();
    expect(run('subscribers', 'add', 'gone@example.com').status).toBe(0);
    expect(run('subscribers', 'remove', 'gone@example.com').status).toBe(0);
    const csv = [
      'Name,EMAIL',
      'Ann,ann@example.com',
      '"Bob ""the builder"", Jr",bob@example.com',
      'Broken,"carol@example.com',
      '',
      'Dan,dan@example.com',
      'Ann again,ANN@example.com',
      'Eve,eve@',
      'Gone,gone@example.com',
      'Too,many,columns@example.com',
      'Fay,fay@example.com',
    ].join('\r\n');
    writeFileSync(join(cwd, 'people.csv'), `${csv}\r\n`);

    const first = run('subscribers', 'import', 'people.csv');
    expect(first.status).toBe(0);
    expect(first.stdout).toBe(
      [
        'imported 4',
        'already present 1',
        'bad rows 4',
        '  people.csv:4: a quoted field is not closed (each record must be on one line)',
        '  people.csv:7: ANN@example.com is a duplicate of line 2',
        '  people.csv:8: "eve@": that does not look like an email address',
        '  people.csv:10: 3 columns where the header has 2',
        '',
      ].join('\n'),
    );
    expect(lines(first.stderr)).toEqual(lines(first.stdout).slice(3).map((l) => l.trim()));

    const second = run('subscribers', 'import', 'people.csv');
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/^imported 0\nalready present 5\nbad rows 4\n/);

    expect(listed(run('subscribers', 'list').stdout)).toEqual(
      new Map([
        ['ann@example.com', 'confirmed'],
        ['bob@example.com', 'confirmed'],
        ['dan@example.com', 'confirmed'],
        ['fay@example.com', 'confirmed'],
        ['gone@example.com', 'unsubscribed'],
      ]),
    );
  }, 180_000);

  it('exports every state as CSV, and importing the export into an empty store restores it without mailing opt-outs', () => {
    const { cwd, run } = setup();
    writeFileSync(join(cwd, 'list.csv'), 'email\na@example.com\nb@example.com\nc@example.com\n');
    expect(run('subscribers', 'import', 'list.csv').status).toBe(0);
    expect(run('subscribers', 'remove', 'c@example.com').status).toBe(0);

    const written = run('subscribers', 'export', 'export.csv');
    expect(written).toMatchObject({ status: 0, stdout: 'exported 3 subscribers to export.csv\n' });
    const toStdout = run('subscribers', 'export');
    expect(toStdout.stdout).toBe(readFileSync(join(cwd, 'export.csv'), 'utf8'));
    const rows = parse(toStdout.stdout, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual(['email', 'state', 'created_at', 'confirmed_at', 'unsubscribed_at', 'suppressed_reason']);
    expect(rows.map((r) => [r.email, r.state]).sort()).toEqual([
      ['a@example.com', 'confirmed'],
      ['b@example.com', 'confirmed'],
      ['c@example.com', 'unsubscribed'],
    ]);
    expect(rows.find((r) => r.email === 'c@example.com')!.unsubscribed_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    const fresh = join(cwd, 'fresh');
    const content = tempTree({ 'publication.yaml': settingsYaml() });
    const restored = runCli(['subscribers', 'import', 'export.csv', '--content', content, '--data', fresh, '--create'], { cwd, env: ENV });
    expect(restored.status).toBe(0);
    expect(restored.stdout).toBe('imported 3 (1 of them as unsubscribed or suppressed, never mailed)\nalready present 0\nbad rows 0\n');
    const list = runCli(['subscribers', 'list', '--content', content, '--data', fresh], { cwd, env: ENV });
    expect(listed(list.stdout)).toEqual(new Map([['a@example.com', 'confirmed'], ['b@example.com', 'confirmed'], ['c@example.com', 'unsubscribed']]));
  }, 180_000);

  it('refuses a file without an email column, or one it cannot read, in one line', () => {
    const { cwd, run } = setup();
    writeFileSync(join(cwd, 'names.csv'), 'name,address\nAnn,ann@example.com\n');
    const noColumn = run('subscribers', 'import', 'names.csv');
    expect(noColumn).toMatchObject({ status: 1, stdout: '', stderr: 'newsletter: names.csv:1: the header row has no "email" column (it has: name, address)\n' });
    const noFile = run('subscribers', 'import', 'missing.csv');
    expect(noFile).toMatchObject({ status: 1, stdout: '', stderr: 'newsletter: cannot read missing.csv: no such file\n' });
  }, 60_000);
});

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
    expect(first.stdout).toBe('imported 4\nalready present 1\nbad rows 4 (listed on stderr)\n');
    // Each bad row once, with its line.
    expect(lines(first.stderr)).toEqual([
      'people.csv:4: a quoted field is not closed (each record must be on one line)',
      'people.csv:7: ANN@example.com is a duplicate of line 2',
      'people.csv:8: "eve@": that does not look like an email address',
      'people.csv:10: 3 columns where the header has 2',
    ]);

    const second = run('subscribers', 'import', 'people.csv');
    expect(second.status).toBe(0);
    expect(second.stdout).toBe('imported 0\nalready present 5\nbad rows 4 (listed on stderr)\n');

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
    expect(Object.keys(rows[0]!)).toEqual(['email', 'name', 'state', 'newsletters', 'newsletter_opt_outs', 'created_at', 'confirmed_at', 'unsubscribed_at', 'suppressed_at', 'suppressed_reason', 'requested_at', 'history']);
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

  it('keeps every opt-out through export → empty store → import → an old list imported again, a stranger\'s request included', async () => {
    const { cwd, run } = setup();
    writeFileSync(join(cwd, 'old-list.csv'), 'email\nxan@example.com\nyul@example.com\nzed@example.com\n');
    expect(run('subscribers', 'import', 'old-list.csv').status).toBe(0);
    expect(run('subscribers', 'remove', 'xan@example.com').status).toBe(0);
    // Anyone may type xan's address into the form: a request is recorded beside the opt-out, and a mail goes to xan.
    expect(run('subscribers', 'add', '--pending', 'xan@example.com').status).toBe(0);
    expect(run('subscribers', 'add', '--pending', 'new@example.com').status).toBe(0);
    expect(listed(run('subscribers', 'list').stdout).get('xan@example.com')).toBe('unsubscribed');

    expect(run('subscribers', 'export', 'export.csv').status).toBe(0);
    const rows = parse(readFileSync(join(cwd, 'export.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const xan = rows.find((r) => r.email === 'xan@example.com')!;
    expect(xan).toMatchObject({ state: 'unsubscribed', requested_at: expect.stringMatching(/^\d{4}-/) });
    expect(JSON.parse(xan.history!).map((e: { type: string }) => e.type)).toEqual(['imported', 'unsubscribed', 'subscribe-requested']);
    expect(rows.find((r) => r.email === 'new@example.com')).toMatchObject({ state: 'pending' });

    const fresh = join(cwd, 'fresh');
    const content = tempTree({ 'publication.yaml': settingsYaml() });
    const into = (...args: string[]) => runCli([...args, '--content', content, '--data', fresh], { cwd, env: ENV });
    expect(into('subscribers', 'import', 'export.csv', '--create').stdout).toBe(
      'imported 4 (1 of them as unsubscribed or suppressed, never mailed)\npending, never confirmed, not mailed 1\nalready present 0\nbad rows 0\n',
    );
    expect(into('subscribers', 'import', 'old-list.csv').stdout).toBe('imported 0\nalready present 3\nbad rows 0\n');
    expect(listed(into('subscribers', 'list').stdout)).toEqual(
      new Map([['xan@example.com', 'unsubscribed'], ['yul@example.com', 'confirmed'], ['zed@example.com', 'confirmed'], ['new@example.com', 'pending']]),
    );
    // The operator cannot lift the opt-out for them either.
    const confirm = into('subscribers', 'confirm', 'xan@example.com');
    expect(confirm.status).toBe(1);
    expect(confirm.stderr).toMatch(/an opt-out is lifted only by the person, with the confirmation link from their mailbox/);
  }, 180_000);

  it('writes no cell a spreadsheet would run, reads a semicolon-separated file, and imports it back unchanged', () => {
    const { cwd, run } = setup();
    writeFileSync(join(cwd, 'semi.csv'), 'Email;State;Suppressed_reason\n=cmd@example.com;suppressed;+bounce\nplain@example.com;;\n');
    expect(run('subscribers', 'import', 'semi.csv').stdout).toBe('imported 2 (1 of them as unsubscribed or suppressed, never mailed)\nalready present 0\nbad rows 0\n');
    const text = run('subscribers', 'export').stdout;
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    for (const row of rows) for (const cell of Object.values(row)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(rows.find((r) => r.state === 'suppressed')).toMatchObject({ email: "'=cmd@example.com", suppressed_reason: "'+bounce" });
    writeFileSync(join(cwd, 'again.csv'), text);
    const fresh = join(cwd, 'fresh');
    const content = tempTree({ 'publication.yaml': settingsYaml() });
    expect(runCli(['subscribers', 'import', 'again.csv', '--content', content, '--data', fresh, '--create'], { cwd, env: ENV }).status).toBe(0);
    const back = runCli(['subscribers', 'list', '--state', 'suppressed', '--content', content, '--data', fresh], { cwd, env: ENV });
    expect(listed(back.stdout)).toEqual(new Map([['=cmd@example.com', 'suppressed']]));
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

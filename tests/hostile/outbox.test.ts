import { createHash } from 'node:crypto';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { FileMailer } from '../../functions/adapters/file-mailer.ts';
import { tempDir } from '../helpers/cli.ts';

const raw = (to: string, subject = 'Hello') => Buffer.from(`To: ${to}\r\nSubject: ${subject}\r\n\r\nBody\r\n`);
const digest = (to: string, issue = '2026-01-05T0700Z', subscriber = 'sub-1') => ({ from: 'digest@example.org', to, raw: raw(to), tags: { issue, subscriber } });
const emls = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.eml'));

describe('the outbox knows what it wrote', () => {
  it('an issue\'s message to a subscriber already in the outbox is not written again; send answers with its id', async () => {
    const dir = join(tempDir(), 'outbox');
    const mailer = new FileMailer(dir);
    const first = await mailer.send(digest('ann@example.com'));
    const again = await mailer.send(digest('ann@example.com'));
    expect(again).toEqual(first);
    expect(emls(dir)).toHaveLength(1);
    // Another subscriber, or another issue, is another message.
    await mailer.send(digest('bob@example.com', '2026-01-05T0700Z', 'sub-2'));
    await mailer.send(digest('ann@example.com', '2026-01-12T0700Z', 'sub-1'));
    expect(emls(dir)).toHaveLength(3);
    // Mail that is not an issue's delivery (a confirmation) is written every time.
    await mailer.send({ from: 'digest@example.org', to: 'ann@example.com', raw: raw('ann@example.com'), tags: { kind: 'confirm' } });
    await mailer.send({ from: 'digest@example.org', to: 'ann@example.com', raw: raw('ann@example.com') });
    expect(emls(dir)).toHaveLength(5);
  });

  it('a new process (a new instance) finds what an earlier one wrote, and one that wrote meanwhile', async () => {
    const dir = join(tempDir(), 'outbox');
    const earlier = new FileMailer(dir);
    const { messageId } = await earlier.send(digest('ann@example.com'));
    const later = new FileMailer(dir);
    expect(await later.send(digest('ann@example.com'))).toEqual({ messageId });
    // `earlier` listed the folder before `later` wrote Bob's message: it lists it again.
    await later.send(digest('bob@example.com', '2026-01-05T0700Z', 'sub-2'));
    await earlier.send(digest('bob@example.com', '2026-01-05T0700Z', 'sub-2'));
    expect(emls(dir)).toHaveLength(2);
  });

  it('a message cut short by a crash (a temporary file, no .eml) does not count, and is written whole on resume', async () => {
    const dir = join(tempDir(), 'outbox');
    const mailer = new FileMailer(dir);
    await mailer.send(digest('bob@example.com', '2026-01-05T0700Z', 'sub-2'));
    const [bob] = emls(dir);
    // What a crash before the rename leaves of Ann's message: its side file and a half-written temporary.
    const key = createHash('sha256').update('2026-01-05T0700Z\nsub-1').digest('hex').slice(0, 16);
    const cut = `2026-01-05T07-00-00-000Z-999-000001-d${key}`;
    writeFileSync(join(dir, `${cut}.json`), JSON.stringify({ to: 'ann@example.com', tags: { issue: '2026-01-05T0700Z', subscriber: 'sub-1' } }));
    writeFileSync(join(dir, `${cut}.eml.1234abcd.tmp`), 'To: ann@exa');
    const fresh = new FileMailer(dir);
    await fresh.send(digest('ann@example.com'));
    const ann = emls(dir).filter((n) => n !== bob);
    expect(ann).toHaveLength(1);
    expect((await simpleParser((await fresh.read(ann[0]!.replace(/\.eml$/, '')))!)).to).toMatchObject({ text: 'ann@example.com' });
  });

  it('list() and read() still serve the outbox pages; files are 0600 in a 0700 folder', async () => {
    const dir = join(tempDir(), 'outbox');
    const mailer = new FileMailer(dir);
    await mailer.send(digest('ann@example.com'));
    await mailer.send({ from: 'digest@example.org', to: 'bob@example.com', raw: raw('bob@example.com', 'Confirm'), tags: { kind: 'confirm' } });
    writeFileSync(join(dir, 'hand-written.eml'), raw('carol@example.com'));
    writeFileSync(join(dir, 'hand-written.json'), '{not json');
    const entries = await mailer.list();
    expect(entries.map((e) => e.to).sort()).toEqual(['', 'ann@example.com', 'bob@example.com']);
    expect(entries.find((e) => e.to === 'ann@example.com')?.tags).toEqual({ issue: '2026-01-05T0700Z', subscriber: 'sub-1' });
    for (const entry of entries) expect((await mailer.read(entry.id))?.length).toBeGreaterThan(0);
    expect(await mailer.read('../../etc/passwd')).toBeUndefined();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const name of readdirSync(dir).filter((n) => !n.startsWith('hand-written'))) expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
  });
});

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { subscriberId } from '../../functions/core/subscribers/identity.ts';
import { verifyToken } from '../../functions/core/tokens.ts';
import { runCli, tempDir, tempTree } from '../helpers/cli.ts';
import { articleText, settingsYaml } from '../helpers/factories.ts';

const SECRET = 'preview-test-secret-that-is-long-enough';

function unsubscribeToken(parsedHeaderLine: string): string {
  return new URL(/<(https:[^>]+)>/.exec(parsedHeaderLine.replace(/\r\n /g, ' '))![1]!).searchParams.get('token')!;
}

describe('newsletter preview', () => {
  it('writes the HTML, the text and the exact message one subscriber would get, and says what it wrote', async () => {
    const content = tempTree({
      'publication.yaml': settingsYaml(),
      'articles/lead.md': articleText({ title: 'Budget <b>passes</b> & more', date: '2024-11-24T09:00:00Z', summary: 'The council agreed.' }),
      'articles/older.md': articleText({ title: 'Roads reopen', date: '2024-11-21T09:00:00Z' }),
      'articles/too-old.md': articleText({ title: 'Last month', date: '2024-10-01T09:00:00Z' }),
    });
    const out = join(tempDir(), 'preview');
    const run = runCli(['preview', '--content', content, '--out', out, '--to', 'Reader@Example.ORG', '--at', '2024-11-25T07:00:00Z'], { env: { TOKEN_SECRET: SECRET } });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    // 25 November 2024 07:00 UTC is a Monday: the default schedule's send time.
    expect(run.stdout).toContain('issue 2024-11-25T0700Z: what a first issue sent at 2024-11-25T07:00:00.000Z would carry');
    expect(run.stdout).toContain('subject: Budget <b>passes</b> & more + 1 more');
    expect(run.stdout).toContain('articles: 2, summary');
    expect(run.stdout).toMatch(/HTML: \d+\.\d KB/);

    const eml = readFileSync(join(out, 'digest.eml'));
    const parsed = await simpleParser(eml);
    expect(parsed.subject).toBe('Budget <b>passes</b> & more + 1 more');
    expect(parsed.to).toMatchObject({ value: [{ address: 'Reader@example.org' }] });
    expect(parsed.from).toMatchObject({ value: [{ name: 'The Test Gazette', address: 'digest@gazette.example.org' }] });
    expect(parsed.messageId).toBe(`<2024-11-25T0700Z.${subscriberId('Reader@example.org')}@gazette.example.org>`);
    const listUnsubscribe = parsed.headerLines.find((h) => h.key === 'list-unsubscribe')!.line;
    expect(listUnsubscribe).toContain('<mailto:unsubscribe@gazette.example.org?subject=unsubscribe>');
    expect(parsed.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    const token = unsubscribeToken(listUnsubscribe);
    expect(verifyToken(token, { purpose: 'unsubscribe', list: 'digest.gazette.example.org' }, SECRET, Date.now())).toMatchObject({
      ok: true,
      claims: { subscriber: subscriberId('Reader@example.org') },
    });

    const html = readFileSync(join(out, 'digest.html'), 'utf8');
    const text = readFileSync(join(out, 'digest.txt'), 'utf8');
    expect(parsed.html).toBe(html.replace(/\r?\n/g, '\n'));
    expect(parsed.text).toBe(text);
    expect(html).toContain('Budget &lt;b&gt;passes&lt;/b&gt; &amp; more');
    expect(html).not.toContain('Last month');
    expect(html).toContain(`href="https://gazette.example.org/api/unsubscribe?token=${token}"`);
    expect(text).toContain('Read more: https://gazette.example.org/news/articles/');
    expect(text).not.toMatch(/<\/?(p|a|div|table|td|span)\b/);
  });

  it('previews the latest issue with articles, and says so, when nothing is in the look-back', async () => {
    const content = tempTree({ 'publication.yaml': settingsYaml(), 'articles/seed.md': articleText({ title: 'Only one', date: '2024-11-20T09:00:00+09:00' }) });
    const out = tempDir();
    const run = runCli(['preview', '--content', content, '--out', out, '--at', '2026-01-01T00:00:00Z'], { env: { TOKEN_SECRET: SECRET } });
    expect(run.status).toBe(0);
    // The default schedule is Monday 07:00 UTC: the article went out on 25 November 2024.
    expect(run.stdout).toContain(
      'nothing was published in the 7 days before the issue due at 2026-01-01T00:00:00.000Z; previewing the issue of the newest article instead: 2024-11-25T0700Z',
    );
    expect(run.stdout).toContain('subject: Only one');
    const parsed = await simpleParser(readFileSync(join(out, 'digest.eml')));
    expect(parsed.html).toContain('https://gazette.example.org/news/issues/2024-11-25T0700Z.html');
  });

  it('between two sends previews the next issue as far as it goes, under the name send will give it', async () => {
    const content = tempTree({ 'publication.yaml': settingsYaml(), 'articles/a.md': articleText({ title: 'Midweek', date: '2024-11-20T09:00:00Z' }) });
    const out = tempDir();
    const run = runCli(['preview', '--content', content, '--out', out, '--at', '2024-11-21T12:34:00Z'], { env: { TOKEN_SECRET: SECRET } });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('previewing the issue of the newest article instead: 2024-11-25T0700Z');
    const parsed = await simpleParser(readFileSync(join(out, 'digest.eml')));
    expect(parsed.messageId).toMatch(/^<2024-11-25T0700Z\./);
    expect(parsed.html).toContain('https://gazette.example.org/news/issues/2024-11-25T0700Z.html');
  });

  it('refuses a time ahead of now and shows nothing dated after now', async () => {
    const content = tempTree({
      'publication.yaml': settingsYaml(),
      'articles/now.md': articleText({ title: 'Out already', date: '2024-11-20T09:00:00Z' }),
      'articles/later.md': articleText({ title: 'Embargoed', date: '2099-01-01T00:00:00Z' }),
    });
    const out = tempDir();
    const ahead = runCli(['preview', '--content', content, '--out', out, '--at', '2099-01-05T07:00:00Z'], { env: { TOKEN_SECRET: SECRET } });
    expect(ahead.status).toBe(2);
    expect(ahead.stderr).toMatch(/^newsletter: --at: 2099-01-05T07:00:00\.000Z is in the future/);
    const today = runCli(['preview', '--content', content, '--out', out], { env: { TOKEN_SECRET: SECRET } });
    expect(today.status).toBe(0);
    expect(readFileSync(join(out, 'digest.txt'), 'utf8')).not.toContain('Embargoed');
  });

  it('without TOKEN_SECRET makes a local key once and reuses it', () => {
    const cwd = tempDir();
    const content = tempTree({ 'publication.yaml': settingsYaml(), 'articles/a.md': articleText({ date: '2024-11-24T09:00:00Z' }) });
    const args = ['preview', '--content', content, '--out', join(cwd, 'p'), '--at', '2024-11-25T07:00:00Z'];
    const env = { TOKEN_SECRET: undefined };
    expect(runCli(args, { cwd, env }).status).toBe(0);
    const key = readFileSync(join(cwd, '.data/token-secret'), 'utf8').trim();
    expect(Buffer.byteLength(key)).toBeGreaterThanOrEqual(32);
    expect(statSync(join(cwd, '.data/token-secret')).mode & 0o077).toBe(0);
    const first = readFileSync(join(cwd, 'p/digest.txt'), 'utf8');
    expect(runCli(args, { cwd, env }).status).toBe(0);
    expect(readFileSync(join(cwd, '.data/token-secret'), 'utf8').trim()).toBe(key);
    expect(readFileSync(join(cwd, 'p/digest.txt'), 'utf8')).toBe(first);
  });

  it('refuses a bad address, a bad time, a short secret and an empty content directory with one line each', () => {
    const content = tempTree({ 'publication.yaml': settingsYaml() });
    const out = tempDir();
    const env = { TOKEN_SECRET: SECRET };
    const badTo = runCli(['preview', '--content', content, '--out', out, '--to', 'not-an-address'], { env });
    expect([badTo.status, badTo.stderr.trim()]).toEqual([2, 'newsletter: --to: that does not look like an email address']);
    const badAt = runCli(['preview', '--content', content, '--out', out, '--at', 'next monday'], { env });
    expect(badAt.status).toBe(2);
    expect(badAt.stderr).toContain('--at: "next monday" is not an ISO 8601 time');
    const empty = runCli(['preview', '--content', content, '--out', out], { env });
    expect(empty.status).toBe(1);
    expect(empty.stderr).toMatch(/^newsletter: no articles published by .* there is no issue to preview\n$/);
    const short = runCli(['preview', '--content', tempTree({ 'publication.yaml': settingsYaml(), 'articles/a.md': articleText() }), '--out', out], {
      env: { TOKEN_SECRET: 'short' },
    });
    expect(short.stderr.trim()).toBe('newsletter: Environment variable TOKEN_SECRET must be at least 32 bytes');
    expect(existsSync(join(out, 'digest.eml'))).toBe(false);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { buildConfirmationMessage, renderConfirmation } from '../../functions/core/digest/confirm.ts';
import { loadEmailTemplate } from '../../functions/core/digest/templates.ts';
import { createToken, verifyToken } from '../../functions/core/tokens.ts';
import { confirmUrl } from '../../functions/core/urls.ts';
import { ROOT } from '../helpers/cli.ts';
import { testSettings } from '../helpers/factories.ts';

const KEY = 'a-test-signing-key-of-at-least-32-bytes';

describe('the confirmation mail', () => {
  it('is one complete message with the confirmation link in both parts and no list headers', async () => {
    const settings = testSettings({ title: 'The <Test> Gazette & Co' });
    const template = await loadEmailTemplate({ load: async (name) => readFileSync(join(ROOT, 'templates', name), 'utf8') }, 'confirm.mjml');
    const rendered = await renderConfirmation(settings, template);
    expect(rendered.subject).toBe('Confirm your subscription to The <Test> Gazette & Co');
    const token = createToken({ purpose: 'confirm', subscriber: 'sub-1', list: settings.digest.listId, expires: 2_000_000_000 }, KEY);
    const url = confirmUrl(settings.digest.apiUrl, token);
    const raw = buildConfirmationMessage(rendered, settings, { email: 'new@example.org', confirmUrl: url, date: new Date('2024-11-25T07:00:00Z') });
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe(rendered.subject);
    expect(parsed.to).toMatchObject({ value: [{ address: 'new@example.org' }] });
    expect(parsed.from).toMatchObject({ value: [{ name: 'The Test Gazette', address: 'digest@gazette.example.org' }] });
    expect(parsed.messageId).toMatch(/^<[0-9a-f-]{36}@gazette\.example\.org>$/);
    expect(parsed.headers.has('list-unsubscribe')).toBe(false);
    expect(parsed.html).toContain('<html lang="en-GB"');
    expect(parsed.html).toContain('Confirm your subscription to The &lt;Test&gt; Gazette &amp; Co');
    expect(parsed.html).toContain(`href="${url}"`);
    expect(parsed.text).toContain(url);
    expect(parsed.text!.replace(/\s+/g, ' ')).toContain('the email digest of The <Test> Gazette & Co at this address');
    expect(parsed.text).not.toMatch(/<\/?(p|a|div|table|td|br|html|span)\b/i);
    const link = new URL(/href="(https:\/\/gazette\.example\.org\/api\/confirm[^"]+)"/.exec(parsed.html as string)![1]!);
    expect(verifyToken(link.searchParams.get('token'), { purpose: 'confirm', list: settings.digest.listId }, KEY, Date.now())).toMatchObject({
      ok: true,
      claims: { subscriber: 'sub-1' },
    });
  });
});

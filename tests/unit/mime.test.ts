import { simpleParser, type ParsedMail } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { MimeError } from '../../functions/core/mime/errors.ts';
import { parseMailbox, unstructuredHeader } from '../../functions/core/mime/headers.ts';
import { buildMessage, compileMessage } from '../../functions/core/mime/message.ts';
import { encodeQuotedPrintable } from '../../functions/core/mime/quoted-printable.ts';
import { normaliseEmail } from '../../functions/core/subscribers/identity.ts';

const base = { from: 'The Gazette <digest@gazette.example.org>', messageIdDomain: 'gazette.example.org' };

function lines(raw: Buffer): string[] {
  return raw.toString('latin1').split('\r\n');
}

function header(parsed: ParsedMail, name: string): string[] {
  return parsed.headerLines.filter((h) => h.key === name.toLowerCase()).map((h) => h.line);
}

describe('quoted-printable', () => {
  it.each([
    ['long lines, = signs and UTF-8', `${'Ünïcødé = “quotes” — '.repeat(40)}\nsecond line`],
    ['trailing spaces and tabs before a line break', 'ends with spaces   \nends with a tab\t\nlast'],
    ['lines that start with a dot or From', '.\n.hidden\nFrom here on\nFrom'],
    ['CRLF and bare LF line ends alike', 'one\r\ntwo\nthree\r\n'],
    ['a single word longer than a line', 'x'.repeat(300)],
  ])('round-trips %s through a real parser with lines of at most 76 characters', async (_, text) => {
    const raw = buildMessage({ subject: 's', text, html: '<p>h</p>' }, { ...base, to: 'a@example.org' });
    const parsed = await simpleParser(raw);
    expect(parsed.text).toBe(text.replace(/\r\n/g, '\n'));
    const encoded = encodeQuotedPrintable(text);
    for (const line of encoded.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
    expect(encoded).not.toMatch(/[ \t]\r\n/);
    expect(encoded).not.toMatch(/^[.F]/m);
  });
});

describe('per-recipient values', () => {
  it.each([70, 72, 73, 74, 75, 76, 77, 150])('decode exactly with = and . around the %i-character line edge', async (length) => {
    const value = `https://x.example.org/u?token=${'=.F'.repeat(length)}`.slice(0, length).padEnd(length, '=');
    const compiled = compileMessage({ subject: 's', text: 'before %%v%% after', html: '<a href="%%v%%">x</a>' }, { ...base, placeholders: ['%%v%%'] });
    const raw = compiled.forRecipient({ to: 'a@example.org', messageIdLocal: 'm', values: { '%%v%%': value } });
    const parsed = await simpleParser(raw);
    expect(parsed.text).toBe(`before ${value} after`);
    expect(parsed.html).toBe(`<a href="${value}">x</a>`);
    for (const line of lines(raw)) expect(line.length).toBeLessThanOrEqual(78);
  });
});

describe('header fields', () => {
  it('encodes non-ASCII subjects and display names as RFC 2047 words that decode exactly', async () => {
    const subject = 'Überraschung: 北朝鮮の兵士 “quoted” — and a very long tail that must fold over several lines of the header';
    const raw = buildMessage(
      { subject, text: 't', html: '<p>h</p>' },
      { ...base, from: 'Zeitung für Ärzte <news@zeitung.example.de>', replyTo: 'Desk, "Editors" <desk@zeitung.example.de>', to: 'r@example.org' },
    );
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe(subject);
    expect(parsed.from?.value).toEqual([{ name: 'Zeitung für Ärzte', address: 'news@zeitung.example.de' }]);
    expect(parsed.replyTo?.value).toEqual([{ name: 'Desk, "Editors"', address: 'desk@zeitung.example.de' }]);
    for (const line of lines(raw)) expect(line.length).toBeLessThanOrEqual(78);
    expect(raw.every((b) => b < 128)).toBe(true);
  });

  it('keeps an ASCII subject readable, folded at spaces', async () => {
    const head = unstructuredHeader('Subject', 'Council approves the budget after a long night of talks in the chamber, say reporters');
    expect(head).toBe('Subject: Council approves the budget after a long night of talks in the\r\n chamber, say reporters\r\n');
  });

  it('never lets CR or LF in a subject, name or value start a header of its own', async () => {
    const raw = buildMessage(
      { subject: 'Hello\r\nBcc: victim@example.org\r\n\r\nbody', text: 'Line %%v%%', html: '<p>%%v%%</p>' },
      { ...base, from: 'Evil\r\nX-Injected: yes <digest@gazette.example.org>', to: 'a@example.org', values: { '%%v%%': 'x\r\nX-Other: 1' } },
    );
    const parsed = await simpleParser(raw);
    expect(parsed.headers.has('bcc')).toBe(false);
    expect(parsed.headers.has('x-injected')).toBe(false);
    expect(parsed.headers.has('x-other')).toBe(false);
    expect(parsed.subject).toBe('Hello Bcc: victim@example.org body');
    expect(parsed.from?.value[0]).toEqual({ name: 'Evil X-Injected: yes', address: 'digest@gazette.example.org' });
    expect(parsed.text).toBe('Line x X-Other: 1');
  });

  it('refuses addresses no header can carry, naming them', () => {
    expect(() => parseMailbox('not an address')).toThrow(MimeError);
    expect(() => buildMessage({ subject: 's', text: 't', html: 'h' }, { ...base, to: 'a@example.org>\r\nBcc: b@example.org' })).toThrowError(
      /is not an address a message can carry/,
    );
    expect(() => buildMessage({ subject: 's', text: 't', html: 'h' }, { ...base, to: 'ünï@example.org' })).toThrow(MimeError);
  });
});

describe('addresses at the message builder', () => {
  const content = { subject: 's', text: 't', html: 'h' };

  it.each([
    ['jorg@bücher.de', 'jorg@xn--bcher-kva.de'],
    ['ivan@пример.рф', 'ivan@xn--e1afmkfd.xn--p1ai'],
  ])('an internationalised domain goes out as the punycode normaliseEmail stores: %s', async (typed, ascii) => {
    const normalised = normaliseEmail(typed);
    expect(normalised).toEqual({ ok: true, email: ascii });
    const raw = buildMessage(content, { ...base, to: ascii });
    const parsed = await simpleParser(raw);
    expect(header(parsed, 'To')).toEqual([`To: ${ascii}`]);
    // A mail client shows it as it was typed.
    expect(parsed.to).toMatchObject({ value: [{ address: typed }] });
    expect(raw.toString('latin1')).toMatch(/^[\x00-\x7f]*$/);
  });

  it.each([
    ['a non-ASCII local part', 'jörg@example.de'],
    ['an internationalised domain not in punycode', 'jorg@bücher.de'],
    ['a zero-width space', 'ann\u200b@example.org'],
    ['a right-to-left override', '\u202emoc.elpmaxe@nna'],
    ['a space', 'ann lee@example.org'],
    ['an address over 254 characters', `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.org`],
  ])('anything else is refused with a MimeError: %s', (_what, address) => {
    expect(() => buildMessage(content, { ...base, to: address })).toThrow(MimeError);
    expect(() => parseMailbox(`Desk <${address}>`)).toThrow(MimeError);
  });
});

describe('compiled messages', () => {
  it('is multipart/alternative, text then HTML, UTF-8, with Date, Message-ID and MIME-Version', async () => {
    const compiled = compileMessage({ subject: 'Issue', text: 'Hi %%name%%', html: '<p>Hi %%name%%</p>' }, { ...base, placeholders: ['%%name%%'] });
    const raw = compiled.forRecipient({ to: 'ann@example.org', messageIdLocal: 'issue-1.ann', date: new Date('2024-11-25T07:00:00Z'), values: { '%%name%%': 'Ann & <Bob>' } });
    const text = raw.toString('utf8');
    expect(text.indexOf('Content-Type: text/plain; charset=utf-8')).toBeLessThan(text.indexOf('Content-Type: text/html; charset=utf-8'));
    const parsed = await simpleParser(raw);
    expect(parsed.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    expect(header(parsed, 'MIME-Version')).toEqual(['MIME-Version: 1.0']);
    expect(parsed.messageId).toBe('<issue-1.ann@gazette.example.org>');
    expect(parsed.date?.toISOString()).toBe('2024-11-25T07:00:00.000Z');
    expect(parsed.to).toMatchObject({ value: [{ address: 'ann@example.org' }] });
    expect(parsed.text).toBe('Hi Ann & <Bob>');
    expect(parsed.html).toBe('<p>Hi Ann &amp; &lt;Bob&gt;</p>');
    expect(compiled.envelopeFrom).toBe('digest@gazette.example.org');
  });

  it('gives each recipient their own values and nothing of anyone else', async () => {
    const compiled = compileMessage({ subject: 'S', text: '%%v%%', html: '<b>%%v%%</b>' }, { ...base, placeholders: ['%%v%%'] });
    const first = await simpleParser(compiled.forRecipient({ to: 'one@example.org', messageIdLocal: 'a', values: { '%%v%%': 'first' } }));
    const second = await simpleParser(compiled.forRecipient({ to: 'two@example.org', messageIdLocal: 'b', values: { '%%v%%': 'second' } }));
    expect([first.text, second.text]).toEqual(['first', 'second']);
    expect(second.html).not.toContain('first');
    expect(() => compiled.forRecipient({ to: 'x@example.org', messageIdLocal: 'c' })).toThrowError(/no value for the placeholder %%v%%/);
  });
});

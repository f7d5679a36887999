import { describe, expect, it } from 'vitest';
import { normaliseEmail, subscriberId } from '../../functions/core/subscribers/identity.ts';

const ok = (email: string) => ({ ok: true, email });

describe('normaliseEmail: what is stored and sent', () => {
  it.each([
    ['  Ann.Lee+news@Example.ORG ', 'Ann.Lee+news@example.org'],
    ["o'brien!#$%&*/=?^_`{|}~-@example.co.uk", "o'brien!#$%&*/=?^_`{|}~-@example.co.uk"],
    // Internationalised domains are kept as punycode: the stored address and every message carry it.
    ['jorg@bücher.de', 'jorg@xn--bcher-kva.de'],
    ['jorg@BÜCHER.de', 'jorg@xn--bcher-kva.de'],
    ['jorg@xn--bcher-kva.de', 'jorg@xn--bcher-kva.de'],
    ['ivan@пример.рф', 'ivan@xn--e1afmkfd.xn--p1ai'],
    ['taro@例え.テスト', 'taro@xn--r8jz45g.xn--zckzah'],
    // Full-width letters and the ideographic full stop are mapped as IDNA says.
    ['taro@ＥＸＡＭＰＬＥ。com', 'taro@example.com'],
    [`${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.org`, `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.org`],
  ])('%s → %s', (raw, email) => {
    expect(normaliseEmail(raw)).toEqual(ok(email));
  });

  it('one address is one subscriber, however its domain was written', () => {
    const ids = ['jorg@bücher.de', 'jorg@BÜCHER.DE', 'jorg@xn--bcher-kva.de'].map((raw) => {
      const parsed = normaliseEmail(raw);
      if (!parsed.ok) throw new Error(parsed.reason);
      return subscriberId(parsed.email);
    });
    expect(new Set(ids).size).toBe(1);
  });
});

describe('normaliseEmail: what is refused, and why', () => {
  it.each([
    [undefined, 'an email address is required'],
    ['   ', 'an email address is required'],
    ['not-an-address', 'that does not look like an email address'],
    ['reader@', 'that does not look like an email address'],
    ['@example.org', 'that does not look like an email address'],
    ['a@b@example.org', 'that does not look like an email address'],
    ['ann@localhost', 'that does not look like an email address'],
    ['ann@[192.0.2.1]', 'that does not look like an email address'],
    ['ann@192.0.2.1', 'that does not look like an email address'],
    ['ann@exa%41mple.org', 'that does not look like an email address'],
    ['ann@ex_ample.org', 'that does not look like an email address'],
    ['ann@-example.org', 'that does not look like an email address'],
    ['ann@example..org', 'that does not look like an email address'],
    ['"ann lee"@example.org', 'that email address has a space in it'],
    ['ann\u00a0lee@example.org', 'that email address has a space in it'],
    ['ann@exämple%41.org', 'that does not look like an email address'],
    ['ann@xn--zz.org', 'the domain "xn--zz.org" is not a valid internationalised domain name'],
    ['.ann@example.org', 'the part before the @ cannot start or end with a dot, or have two dots in a row'],
    ['ann.@example.org', 'the part before the @ cannot start or end with a dot, or have two dots in a row'],
    ['ann..lee@example.org', 'the part before the @ cannot start or end with a dot, or have two dots in a row'],
    ['ann\r\nBcc: eve@example.org', 'that email address has invalid characters'],
    ['ann\u0085@example.org', 'that email address has invalid characters'],
  ])('%j: %s', (raw, reason) => {
    expect(normaliseEmail(raw)).toEqual({ ok: false, reason });
  });

  it.each([
    ['jörg@example.de', 'ö'],
    ['Ålesund@example.no', 'Å'],
    ['用户@例子.广告', '用'],
    ['аnn@example.org', 'а'], // Cyrillic а, which looks like a Latin a
  ])('non-ASCII before the @ cannot be delivered to: %s', (raw, char) => {
    expect(normaliseEmail(raw)).toEqual({ ok: false, reason: `"${char}" before the @ cannot be delivered to: use only ASCII letters, digits and signs such as . _ + -` });
  });

  it.each([
    ['ann\u200b@example.org', 'U+200B'], // zero-width space
    ['an\u200dn@example.org', 'U+200D'], // zero-width joiner
    ['ann@exa\u00admple.org', 'U+00AD'], // soft hyphen, which IDNA would silently drop
    ['ann@example\u200c.org', 'U+200C'],
    ['\u2060ann@example.org', 'U+2060'], // word joiner
    ['ann@exam\ufeffple.org', 'U+FEFF'],
    ['ann\u3164@example.org', 'U+3164'], // Hangul filler
    ['ann@example.org\ufe0f', 'U+FE0F'],
  ])('invisible characters are refused, named: %j', (raw, code) => {
    expect(normaliseEmail(raw)).toEqual({ ok: false, reason: `that email address has an invisible character (${code}) in it` });
  });

  it.each([
    ['\u202emoc.elpmaxe@nna', 'U+202E'], // right-to-left override: shows as ann@example.com
    ['ann\u200f@example.org', 'U+200F'],
    ['ann@\u2067example.org', 'U+2067'],
    ['ann\u061c@example.org', 'U+061C'],
  ])('text-direction controls are refused, named: %j', (raw, code) => {
    expect(normaliseEmail(raw)).toEqual({ ok: false, reason: `that email address has a hidden text-direction character (${code}) that makes it look like another address` });
  });

  it('addresses longer than RFC 5321 allows, in any part, before or after punycode', () => {
    const tooLong = { ok: false, reason: 'that email address is too long' };
    expect(normaliseEmail(`${'a'.repeat(65)}@example.org`)).toEqual(tooLong);
    expect(normaliseEmail(`${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.org`)).toEqual(tooLong);
    expect(normaliseEmail(`a@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(60)}.org`)).toEqual(tooLong);
    expect(normaliseEmail(`${'x'.repeat(100_000)}@example.org`)).toEqual(tooLong);
    // 60 letters ü are 60 characters, but their punycode label is longer than 63.
    expect(normaliseEmail(`ann@${'ü'.repeat(60)}.de`)).toEqual({ ok: false, reason: 'that does not look like an email address' });
    expect(normaliseEmail(`ann@${'b'.repeat(64)}.org`)).toEqual({ ok: false, reason: 'that does not look like an email address' });
  });
});

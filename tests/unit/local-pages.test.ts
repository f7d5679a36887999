import { describe, expect, it } from 'vitest';
import { pageHeaders } from '../../functions/local/page-headers.ts';
import { feedUpdated, noneMatch } from '../../functions/local/static.ts';

describe('If-None-Match (RFC 9110 13.1.2, weak comparison)', () => {
  it.each([
    ['"abc"', true],
    ['W/"abc"', true],
    ['*', true],
    ['"x", W/"abc" , "y"', true],
    ['"abcd"', false],
    ['"ab"', false],
    ['abc', false],
    ['', false],
  ])('%j against "abc": %s', (field, matches) => {
    expect(noneMatch(field, '"abc"')).toBe(matches);
  });
});

describe('a feed\'s time, from its body', () => {
  const rss = '<rss><channel><lastBuildDate>Wed, 20 Nov 2024 00:00:00 GMT</lastBuildDate><item><pubDate>Tue, 19 Nov 2024 00:00:00 GMT</pubDate></item></channel></rss>';
  const atom = '<feed><id>x</id><updated>2024-11-20T00:00:00.000Z</updated><entry><updated>2030-01-01T00:00:00Z</updated></entry></feed>';
  const json = JSON.stringify({ items: [{ date_published: '2024-11-18T00:00:00Z' }, { date_published: '2024-11-10T00:00:00Z', date_modified: '2024-11-20T00:00:00Z' }] });
  it.each([
    ['feed.xml', rss],
    ['atom.xml', atom],
    ['feed.json', json],
  ])('%s', (path, body) => {
    expect(feedUpdated(path, Buffer.from(body))?.toISOString()).toBe('2024-11-20T00:00:00.000Z');
  });

  it('nothing for other files, a feed without a date, or one that does not parse', () => {
    expect(feedUpdated('index.html', Buffer.from(rss))).toBeUndefined();
    expect(feedUpdated('feed.xml', Buffer.from('<rss><channel></channel></rss>'))).toBeUndefined();
    expect(feedUpdated('feed.json', Buffer.from('{"items":'))).toBeUndefined();
    expect(feedUpdated('atom.xml', Buffer.from('<feed><entry><updated>2030-01-01T00:00:00Z</updated></entry></feed>'))).toBeUndefined();
  });
});

describe('local page headers', () => {
  it('site pages: own stylesheet only, images from https:, no framing, no sniffing, no referrer', () => {
    const headers = pageHeaders('site');
    expect(headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' });
    expect(headers['content-security-policy']).toBe("default-src 'none'; style-src 'self'; img-src 'self' https:; form-action 'self' https:; base-uri 'none'; frame-ancestors 'none'");
    expect(headers).not.toHaveProperty('strict-transport-security');
  });

  it('mail HTML: its inline styles apply, but no script, form or frame of it runs', () => {
    const csp = pageHeaders('mail')['content-security-policy']!;
    expect(csp).toContain("style-src 'unsafe-inline'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("form-action 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/sandbox(?! [^;]*allow-scripts)/);
    expect(csp).not.toContain('script-src');
  });
});

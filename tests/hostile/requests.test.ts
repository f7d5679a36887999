/// <reference lib="dom" />
import { cpSync, readdirSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBody, sendResult } from '../../functions/local/api-gateway.ts';
import { browserAvailable, launchChromium } from '../helpers/browser.ts';
import { ROOT, runCli, tempDir } from '../helpers/cli.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';

const MB = 1024 * 1024;
let cwd: string;
let server: ServerProcess;

beforeAll(async () => {
  cwd = tempDir('newsletter-requests-');
  cpSync(join(ROOT, 'content'), join(cwd, 'content'), { recursive: true });
  server = await startServerProcess(cwd);
}, 120_000);
afterAll(async () => {
  expect(await server?.stop()).toBe(0);
});

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Bytes of the request body the client had written when the answer came. */
  sentWhenAnswered: number;
}

/** A request whose body is written chunk by chunk for as long as the server takes it (or `stallAfter` bytes). */
function send(method: string, path: string, options: { headers?: Record<string, string>; bodyBytes?: number; body?: string; stallAfter?: number } = {}): Promise<Answer> {
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const total = options.body !== undefined ? Buffer.byteLength(options.body) : (options.bodyBytes ?? 0);
    // A connection of its own (no keep-alive reuse), as a new visitor's would be.
    const req = request(url, { method, agent: false, headers: { ...options.headers, ...(total > 0 ? { 'content-length': String(total) } : {}) } }, (res) => {
      answered = true;
      const answeredAt = sent;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body, sentWhenAnswered: answeredAt }));
    });
    // Once the server has answered and closed, further writes fail: that is the point. Before, it is a failure.
    req.on('error', (error) => (answered ? undefined : reject(error)));
    if (options.body !== undefined) return void req.end(options.body);
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const pump = () => {
      while (sent < total) {
        if (options.stallAfter !== undefined && sent >= options.stallAfter) return;
        const part = chunk.subarray(0, Math.min(chunk.length, total - sent));
        sent += part.length;
        if (!req.write(part)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const outbox = () => {
  try {
    return readdirSync(join(cwd, '.data/outbox')).filter((n) => n.endsWith('.eml'));
  } catch {
    return [];
  }
};
const status = () => runCli(['status'], { cwd }).stdout.split('\n')[1];

describe('request bodies are cut off at the limit', () => {
  it('a 100 MB body gets 413 at once, long before the client could send it all, and nothing is stored', async () => {
    const answer = await send('POST', '/api/subscribe', { headers: form, bodyBytes: 100 * MB });
    expect(answer.status).toBe(413);
    expect(answer.body).toContain('request body is over 16 KB');
    expect(answer.headers.connection).toBe('close');
    expect(answer.sentWhenAnswered).toBeLessThan(20 * MB);
    // The server still answers, and nothing was stored or mailed.
    expect((await send('GET', '/feed.xml')).status).toBe(200);
    expect(outbox()).toEqual([]);
  });

  it('a body that stalls half way holds up nobody else', async () => {
    const stalled = send('POST', '/api/subscribe', { headers: form, bodyBytes: 4096, stallAfter: 1000 });
    void stalled.catch(() => undefined);
    const [page, feed, subscribe] = await Promise.all([
      send('GET', '/'),
      send('GET', '/atom.xml'),
      send('POST', '/api/subscribe', { headers: { ...form, accept: 'application/json' }, body: 'email=reader%40example.com' }),
    ]);
    expect([page.status, feed.status, subscribe.status]).toEqual([200, 200, 202]);
  });
});

describe('readBody on its own', () => {
  it('gives up a body that stalls, closing the connection, and reads a whole small one', async () => {
    const outcomes: string[] = [];
    const http = createServer((req, res) => {
      readBody(req, 1024, 200).then(
        (body) => sendResult(res, { statusCode: 200, body: `read ${body.length}` }),
        (error: Error) => outcomes.push(error.name),
      );
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    const port = (http.address() as AddressInfo).port;
    try {
      const closed = await new Promise<string>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\nemail=ann'));
        let got = '';
        socket.on('data', (c) => (got += c));
        socket.on('close', () => resolve(got));
      });
      expect(closed).toBe('');
      expect(outcomes).toEqual(['RequestBodyTimeoutError']);
      const whole = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: 'x'.repeat(1024) });
      expect(await whole.text()).toBe('read 1024');
    } finally {
      http.closeAllConnections();
      await new Promise((r) => http.close(r));
    }
  });
});

describe('wrong content types, and methods that must change nothing', () => {
  it.each([
    ['XML', 'application/xml', '<email>x@example.com</email>', 415],
    ['multipart', 'multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\nx@example.com\r\n--x--', 415],
    ['JSON that is not an object', 'application/json', '"x@example.com"', 400],
    ['JSON cut short', 'application/json', '{"email":"x@exa', 400],
  ])('%s is refused with %s and stores nothing', async (_what, type, body, code) => {
    const before = status();
    const answer = await send('POST', '/api/subscribe', { headers: { 'content-type': type, accept: 'application/json' }, body });
    expect(answer.status).toBe(code);
    expect(JSON.parse(answer.body).error).toMatch(/./);
    expect(status()).toBe(before);
  });

  // HEAD answers as GET would (the form), OPTIONS says what is allowed, other methods are refused: none subscribes.
  it.each([['HEAD', 200], ['OPTIONS', 204], ['PUT', 405], ['DELETE', 405]])('%s /api/subscribe with an address subscribes nobody (%i)', async (method, code) => {
    const before = [status(), outbox().length];
    const answer = await send(method as string, '/api/subscribe?email=head%40example.com', { headers: form, body: 'email=head%40example.com' });
    expect(answer.status).toBe(code);
    expect([status(), outbox().length]).toEqual(before);
  });

  it('never serves the build\'s own records under .newsletter/ (its manifest names the next embargo)', async () => {
    for (const path of ['/.newsletter/site-manifest.json', '/.newsletter/', '/articles/../.newsletter/site-manifest.json', '/%2enewsletter/site-manifest.json']) {
      const answer = await send('GET', path);
      expect(answer.status, path).toBe(404);
      expect(answer.body, path).not.toContain('nextEmbargo');
    }
  });

  it('HEAD on a page or feed answers the GET headers and no body', async () => {
    const [get, head] = await Promise.all([send('GET', '/feed.xml'), send('HEAD', '/feed.xml')]);
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(get.body)));
    expect(head.headers.etag).toBe(get.headers.etag);
  });
});

describe('local site pages carry the API\'s protections', () => {
  it.each(['/', '/feed.xml', '/atom.xml', '/feed.json', '/style.css'])('%s', async (path) => {
    const { status: code, headers } = await send('GET', path);
    expect(code).toBe(200);
    expect(headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' });
    const csp = headers['content-security-policy'];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("img-src 'self' https:");
    expect(csp).not.toContain('unsafe-inline');
    expect(headers['strict-transport-security']).toBeUndefined();
  });

  it.skipIf(!browserAvailable())('in Chromium the home page loads its stylesheet with no policy violation', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const violations: string[] = [];
      page.on('console', (m) => m.text().includes('Content Security Policy') && violations.push(m.text()));
      await page.goto(server.url);
      expect(await page.evaluate(() => document.styleSheets.length)).toBeGreaterThan(0);
      expect(await page.evaluate(() => [...document.styleSheets].every((s) => s.cssRules.length > 0))).toBe(true);
      expect(violations).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe('feeds answer conditional GETs as RFC 9110 says', () => {
  it.each(['/feed.xml', '/atom.xml', '/feed.json'])('%s: strong, weak and * tags give 304; another tag gives 200', async (path) => {
    const first = await send('GET', path);
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^"[^"]+"$/);
    for (const tag of [etag, `W/${etag}`, '*', `"other", W/${etag}`]) {
      const again = await send('GET', path, { headers: { 'if-none-match': tag } });
      expect([tag, again.status, again.body]).toEqual([tag, 304, '']);
      expect(again.headers.etag).toBe(etag);
    }
    expect((await send('GET', path, { headers: { 'if-none-match': '"other"' } })).status).toBe(200);
    // If-None-Match decides alone: an If-Modified-Since in the future does not make a changed tag 304.
    expect((await send('GET', path, { headers: { 'if-none-match': '"other"', 'if-modified-since': 'Fri, 01 Jan 2100 00:00:00 GMT' } })).status).toBe(200);
    expect((await send('GET', path, { headers: { 'if-modified-since': first.headers['last-modified']! } })).status).toBe(304);
  });

  it('Last-Modified is taken from the content: the same after a restart, which rebuilds the site', async () => {
    const before = await Promise.all(['/feed.xml', '/atom.xml', '/feed.json'].map((p) => send('GET', p)));
    expect(await server.stop()).toBe(0);
    server = await startServerProcess(cwd);
    const after = await Promise.all(['/feed.xml', '/atom.xml', '/feed.json'].map((p) => send('GET', p)));
    expect(after.map((a) => a.headers['last-modified'])).toEqual(before.map((b) => b.headers['last-modified']));
    // The newest article is dated 20 November 2024: the feeds say so, not the time the server started.
    expect(new Set(after.map((a) => a.headers['last-modified']))).toEqual(new Set(['Wed, 20 Nov 2024 00:00:00 GMT']));
  }, 120_000);
});

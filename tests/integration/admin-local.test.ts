import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriberId } from '../../functions/core/subscribers/identity.ts';
import { ADMIN_ROUTES } from '../../functions/handlers/http/admin-routes.ts';
import { startServer, type RunningServer } from '../../functions/local/server.ts';
import { tempTree } from '../helpers/cli.ts';
import { articleText, settingsYaml } from '../helpers/factories.ts';
import { memoryLogger } from '../helpers/memory.ts';

// The console's API on one machine, over real HTTP: only this server's loopback name, only with this
// run's secret, never for another site.
let server: RunningServer;
let port: number;
beforeAll(async () => {
  const project = tempTree({ 'content/publication.yaml': settingsYaml(), 'content/articles/first.md': articleText({ title: 'First report' }) });
  server = await startServer({ port: 0, contentDir: join(project, 'content'), dataDir: join(project, '.data'), log: memoryLogger(), logRequests: false, schedule: false });
  port = Number(new URL(server.url).port);
  await server.system.stores.subscribers.addConfirmed('ann@example.com', new Date(), 'cli');
}, 60_000);
afterAll(() => server?.close());

/** A raw request, so the Host, Origin and every other header are exactly what a test says. */
function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { host: `localhost:${port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const bearer = () => ({ authorization: `Bearer ${server.adminToken}` });
const unsubscribeAnn = (headers: Record<string, string>) => send('POST', '/api/admin/subscriber/unsubscribe', { 'content-type': 'application/json', ...headers }, JSON.stringify({ email: 'ann@example.com' }));
const annState = async () => (await server.system.stores.subscribers.get(subscriberId('ann@example.com')))?.state;

describe('the local console API', () => {
  it('answers its own loopback name with the run\'s secret', async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) {
      const res = await send('GET', '/api/admin/overview', { host, ...bearer() });
      expect(res.status, host).toBe(200);
      expect(JSON.parse(res.text).counts.confirmed).toBe(1);
    }
    expect(server.adminToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses another Host: a DNS-rebinding name that resolves to 127.0.0.1, or another port', async () => {
    for (const host of [`attacker.example:${port}`, 'localhost', `localhost:${port + 1}`, `127.0.0.1.nip.io:${port}`, `[::2]:${port}`]) {
      expect((await send('GET', '/api/admin/overview', { host, ...bearer() })).status, host).toBe(403);
      expect((await unsubscribeAnn({ host, ...bearer() })).status, host).toBe(403);
    }
    expect(await annState()).toBe('confirmed');
  });

  it('refuses a missing, wrong or differently written secret', async () => {
    const wrong: Record<string, string>[] = [{}, { authorization: 'Bearer nope' }, { authorization: `Bearer ${server.adminToken}x` }, { authorization: `bearer ${server.adminToken}` }, { authorization: server.adminToken }, { authorization: `Basic ${server.adminToken}` }];
    for (const headers of wrong) {
      expect((await send('GET', '/api/admin/overview', headers)).status, JSON.stringify(headers)).toBe(401);
      expect((await unsubscribeAnn(headers)).status, JSON.stringify(headers)).toBe(401);
    }
    expect(await annState()).toBe('confirmed');
  });

  it('refuses what another site makes the browser send: a form post, a no-cors fetch, a request that names its origin', async () => {
    // A form on another site: no Authorization header can be added, the body is a form.
    const form = await send('POST', '/api/admin/subscriber/unsubscribe', { origin: 'https://attacker.example', 'sec-fetch-site': 'cross-site', 'content-type': 'application/x-www-form-urlencoded' }, 'email=ann%40example.com');
    expect(form.status).toBe(403);
    // Even with the secret (which another site cannot know), another origin is refused.
    expect((await unsubscribeAnn({ origin: 'https://attacker.example', ...bearer() })).status).toBe(403);
    expect((await unsubscribeAnn({ 'sec-fetch-site': 'cross-site', ...bearer() })).status).toBe(403);
    expect((await unsubscribeAnn({ origin: `http://localhost:${port + 1}`, ...bearer() })).status).toBe(403);
    // A text/plain body (what a form or a no-cors fetch can send) is refused by the handler too.
    expect((await send('POST', '/api/admin/subscriber/unsubscribe', { 'content-type': 'text/plain', ...bearer() }, JSON.stringify({ email: 'ann@example.com' }))).status).toBe(415);
    expect(await annState()).toBe('confirmed');
    // The console itself (same origin, the secret, JSON) is heard.
    expect((await unsubscribeAnn({ origin: `http://localhost:${port}`, ...bearer() })).status).toBe(200);
    expect(await annState()).toBe('unsubscribed');
  });

  it('changes nothing on GET, HEAD or OPTIONS of any console route or page', async () => {
    await server.system.stores.subscribers.addConfirmed('bob@example.com', new Date(), 'cli');
    const before = { bob: await server.system.stores.subscribers.get(subscriberId('bob@example.com')), outbox: (await server.system.outbox!.ids()).length, issues: (await server.system.stores.issues.listIssues(server.system.settings.digest.listId, { limit: 5 })).issues };
    const paths = [...ADMIN_ROUTES.map((r) => `/api${r.split(' ')[1]!.replace('{id}', '2024-11-24T2200Z')}`), '/api/admin/subscriber?email=bob@example.com', '/admin/', '/admin/admin.js', '/admin/config.json'];
    for (const path of paths) {
      for (const method of ['GET', 'HEAD', 'OPTIONS']) {
        const res = await send(method, path, bearer());
        expect(res.status, `${method} ${path}`).toBeLessThan(500);
        if (method === 'HEAD') expect(res.text, `HEAD ${path}`).toBe('');
      }
    }
    expect({ bob: await server.system.stores.subscribers.get(subscriberId('bob@example.com')), outbox: (await server.system.outbox!.ids()).length, issues: (await server.system.stores.issues.listIssues(server.system.settings.digest.listId, { limit: 5 })).issues }).toEqual(before);
  });

  it('serves the console at /admin/ with a policy that runs only its own script and reaches only its own API', async () => {
    const redirect = await fetch(new URL('admin', server.url), { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/admin/');
    const page = await fetch(new URL('admin/', server.url));
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(await page.text()).toContain('<script type="module" src="admin.js"></script>');
    expect(await (await fetch(new URL('admin/config.json', server.url))).json()).toEqual({ mode: 'local' });
    expect((await fetch(new URL('admin/../.data/token-secret', server.url))).status).toBe(404);
    expect((await fetch(new URL('admin/secret.txt', server.url))).status).toBe(404);
  });
});

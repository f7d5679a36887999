import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { subscriberId } from '../../functions/core/subscribers/identity.ts';
import { newslettersOf } from '../../functions/core/newsletters/list.ts';
import { preferencesToken } from '../../functions/core/subscribers/links.ts';
import { createToken } from '../../functions/core/tokens.ts';
import { startServer, type RunningServer } from '../../functions/local/server.ts';
import { FUNCTIONS } from '../../infra/functions.ts';
import { tempDir, tempTree } from '../helpers/cli.ts';
import { articleText, settingsYaml } from '../helpers/factories.ts';
import { memoryLogger } from '../helpers/memory.ts';

// The local server in this process, over real HTTP: its embedded store, its outbox and its site.
let server: RunningServer | undefined;
const made: string[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function start(articles: Record<string, string> = { 'first.md': articleText({ title: 'First report' }) }) {
  const files = Object.fromEntries(Object.entries(articles).map(([name, text]) => [`content/articles/${name}`, text]));
  const project = tempTree({ 'content/publication.yaml': settingsYaml(), ...files });
  made.push(project);
  const log = memoryLogger();
  server = await startServer({ port: 0, contentDir: join(project, 'content'), dataDir: join(project, '.data'), log, logRequests: false, schedule: false });
  const at = (path: string) => new URL(path, server!.url).toString();
  return { project, log, server, at };
}

const form = (body: string) => ({ method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });

describe('the local server', () => {
  it('changes nothing on GET, HEAD or OPTIONS of any route; the confirmation button POSTs, and pressing it again is harmless', async () => {
    const { server, at } = await start();
    const { stores, outbox, settings, tokenKey } = server.system;
    expect((await fetch(at('api/subscribe'), form('email=pia%40example.com'))).status).toBe(202);
    const [mail] = await outbox!.list();
    const link = /http:\/\/\S+\/api\/confirm\?token=[A-Za-z0-9._%-]+/.exec((await simpleParser((await outbox!.read(mail!.id))!)).text ?? '')![0];
    await stores.subscribers.addConfirmed('quin@example.com', new Date(), 'cli');
    const unsubscribeToken = createToken({ purpose: 'unsubscribe', subscriber: subscriberId('quin@example.com'), list: settings.digest.listId }, tokenKey);
    const records = () => Promise.all(['pia@example.com', 'quin@example.com'].map((email) => stores.subscribers.get(subscriberId(email))));
    const before = await records();

    // Every API route of the function table, as a scanner finds it in a mail, and every local page.
    const links: Record<string, string> = { '/subscribe': 'api/subscribe?email=pia%40example.com', '/confirm': link, '/unsubscribe': `api/unsubscribe?token=${unsubscribeToken}`,
      '/preferences': `api/preferences?token=${preferencesToken({ tokenKey, newsletters: newslettersOf(settings) }, subscriberId('quin@example.com'))}`,
    };
    const apiPaths = [...new Set(FUNCTIONS.flatMap((f) => (f.trigger.kind === 'http' ? f.trigger.routes.map((r) => r.split(' ')[1]!) : [])))];
    expect(apiPaths.sort()).toEqual(Object.keys(links).sort());
    const urls = [...apiPaths.map((path) => at(links[path]!)), at('subscribe'), at('outbox'), at(`outbox/${mail!.id}`), at(`outbox/${mail!.id}.eml`), at('preview'), at('feed.xml'), at('')];
    for (const url of urls) {
      const get = await fetch(url);
      expect(get.status, url).toBe(200);
      const head = await fetch(url, { method: 'HEAD' });
      expect(head.status, `HEAD ${url}`).toBe(200);
      expect(await head.text(), `HEAD ${url}`).toBe('');
      const options = await fetch(url, { method: 'OPTIONS' });
      expect([204, 405], `OPTIONS ${url}`).toContain(options.status);
    }
    expect(await records()).toEqual(before);
    expect(await outbox!.list()).toHaveLength(1);

    const press = () => fetch(link, form(''));
    const confirmed = await press();
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain('You are subscribed');
    const after = (await records())[0];
    expect(after?.state).toBe('confirmed');
    expect(await (await press()).text()).toContain('already confirmed');
    expect((await records())[0]).toEqual(after);
  }, 60_000);

  it('answers the API while a slow rebuild runs: the site is built off the request thread', async () => {
    const { project, server, at } = await start();
    const subscribe = (email: string) => fetch(at('api/subscribe'), { method: 'POST', body: JSON.stringify({ email }), headers: { 'content-type': 'application/json', accept: 'application/json' } });
    // The first subscribe request loads the confirmation renderer; the one under test is then quick.
    expect((await subscribe('early@example.com')).status).toBe(202);
    // A content set that takes seconds to build (ten articles of 900 KB: parsed, sanitised, paged and
    // put in full into three feeds), moved in at once.
    const staging = tempDir('slow-content-');
    made.push(staging);
    let body = '';
    for (let i = 0; body.length < 900_000; i++) body += `Paragraph ${i}: the council discussed the *budget* and a [report](https://example.org/${i}) on the minutes.\n\n`;
    for (let i = 0; i < 10; i++) writeFileSync(join(staging, `bulk-${i}.md`), articleText({ title: `Bulk ${i}`, date: new Date(Date.UTC(2020, 0, 1) + i * 3_600_000).toISOString() }, body));
    renameSync(staging, join(project, 'content/articles/bulk'));
    let built = false;
    const rebuild = server.rebuild().then((summary) => {
      built = true;
      return summary;
    });
    // Twenty requests at once, each answered while the build is still running: a build on the request
    // thread holds every request until it is done. (Each answer takes at least the subscribe floor.)
    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const answer = await subscribe(`during-${i}@example.com`);
        return { status: answer.status, built };
      }),
    );
    answers.forEach((answer, i) => expect(answer, `answer ${i + 1}`).toEqual({ status: 202, built: false }));
    expect((await rebuild).published).toBe(11);
    expect(await (await fetch(at('articles/bulk-9.html'))).text()).toContain('Bulk 9');
  }, 120_000);

  it('follows the calendar: a scheduled article appears in the feed soon after its time, with no content change', async () => {
    const { project, log, at } = await start();
    const due = new Date(Math.ceil((Date.now() + 8000) / 1000) * 1000);
    writeFileSync(join(project, 'content/articles/soon.md'), articleText({ title: 'Embargoed until soon', date: due.toISOString() }));
    // The rebuild for that change leaves the article out and wakes for its time.
    await expect.poll(() => log.lines.some((l) => l.message.includes(`next scheduled article at ${due.toISOString()}`)), { timeout: 7000, interval: 100 }).toBe(true);
    const feed = () => fetch(at('feed.xml')).then((r) => r.text());
    expect(await feed()).not.toContain('Embargoed until soon');
    await expect.poll(feed, { timeout: 20_000, interval: 250 }).toContain('Embargoed until soon');
    expect(Date.now()).toBeGreaterThanOrEqual(due.getTime());
  }, 60_000);

  it('sends its pages with the API security headers; mail previews may use inline styles but never run a script', async () => {
    const { server, at } = await start();
    expect((await fetch(at('api/subscribe'), form('email=rae%40example.com'))).status).toBe(202);
    const [mail] = await server.system.outbox!.list();
    const csp = (res: Response) => res.headers.get('content-security-policy') ?? '';
    for (const path of ['subscribe', 'outbox', 'no-such-page', `outbox/${mail!.id}.eml`, `outbox/${mail!.id}.txt`, `outbox/${mail!.id}`, 'preview']) {
      const res = await fetch(at(path));
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(csp(res), path).toContain("frame-ancestors 'none'");
      expect(csp(res), path).toContain("default-src 'none'");
      expect(csp(res), path).not.toMatch(/script-src|'unsafe-eval'/);
    }
    for (const path of [`outbox/${mail!.id}`, 'preview']) expect(csp(await fetch(at(path))), path).toContain("style-src 'unsafe-inline'");
    for (const path of ['subscribe', 'outbox', 'no-such-page']) expect(csp(await fetch(at(path))), path).not.toContain('unsafe-inline');
  }, 60_000);
});

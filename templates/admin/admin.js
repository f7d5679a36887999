// The operator console: one small script for both environments, without a framework (four views and a
// dozen calls to one JSON API need none). It signs in (locally with the server's per-run secret; on AWS
// with Cognito's managed login, authorisation code + PKCE), calls /api/admin/* with the token in the
// Authorization header (never a cookie), and shows the answers. Every text it shows is set as text.

const API = '/api/admin/';
const TOKEN_KEY = 'newsletter-console-token';
const $ = (id) => document.getElementById(id);
const count = new Intl.NumberFormat();

/** An element with attributes and text or element children. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== undefined && child !== null) el.append(child instanceof Node ? child : String(child));
  return el;
}

/** A time, short and in the reader's zone, with the exact time in its datetime. */
function when(iso, withTime = true) {
  if (!iso) return '—';
  const date = new Date(iso);
  const text = date.toLocaleString(undefined, withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' });
  return h('time', { datetime: date.toISOString(), title: date.toISOString() }, text);
}

const percent = (rate) => (rate === undefined || rate === null ? '—' : `${Number((rate * 100).toFixed(rate < 0.01 ? 2 : 1))}%`);

function say(text, error = false) {
  const status = $('status');
  status.textContent = text;
  status.classList.toggle('error', error);
}

function figures(list, pairs) {
  list.replaceChildren(...pairs.filter(([, v]) => v !== undefined).map(([label, value]) => h('div', {}, h('dt', {}, label), h('dd', {}, typeof value === 'number' ? count.format(value) : value))));
}

// ---- signing in ------------------------------------------------------------------------------

const auth = { token: undefined, config: undefined };

class SignedOut extends Error {}

const base64url = (bytes) => btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');

function showSignIn(text, withButton = false) {
  for (const view of document.querySelectorAll('.view')) view.hidden = view.id !== 'view-signin';
  $('signin-text').replaceChildren(text, ...(withButton ? [' ', h('button', { type: 'button', onclick: () => startLogin() }, 'Sign in')] : []));
  return false;
}

async function startLogin() {
  const { config } = auth;
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const state = base64url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem('newsletter-console-verifier', verifier);
  sessionStorage.setItem('newsletter-console-state', state);
  const query = new URLSearchParams({ response_type: 'code', client_id: config.clientId, redirect_uri: config.redirectUri, scope: 'openid email', state, code_challenge: challenge, code_challenge_method: 'S256' });
  location.assign(`${config.loginUrl}/oauth2/authorize?${query}`);
}

/** Exchanges the code the managed login sent back (with the verifier only this tab holds) for tokens. */
async function finishLogin(params) {
  const { config } = auth;
  const expected = sessionStorage.getItem('newsletter-console-state');
  const verifier = sessionStorage.getItem('newsletter-console-verifier');
  sessionStorage.removeItem('newsletter-console-state');
  sessionStorage.removeItem('newsletter-console-verifier');
  history.replaceState(null, '', location.pathname + '#overview');
  if (!expected || params.get('state') !== expected || !verifier) return showSignIn('That sign-in could not be checked.', true);
  const response = await fetch(`${config.loginUrl}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: config.clientId, code: params.get('code'), redirect_uri: config.redirectUri, code_verifier: verifier }),
  });
  if (!response.ok) return showSignIn('Signing in failed.', true);
  const tokens = await response.json();
  sessionStorage.setItem(TOKEN_KEY, JSON.stringify({ token: tokens.access_token, expires: Date.now() + tokens.expires_in * 1000 }));
  auth.token = tokens.access_token;
  return true;
}

async function signIn() {
  auth.config = await (await fetch('config.json', { cache: 'no-store' })).json();
  if (auth.config.mode === 'local') {
    const given = /(?:^#|&)secret=([A-Za-z0-9_-]+)/.exec(location.hash);
    if (given) {
      sessionStorage.setItem(TOKEN_KEY, given[1]);
      history.replaceState(null, '', location.pathname + '#overview');
    }
    auth.token = sessionStorage.getItem(TOKEN_KEY) ?? undefined;
    return auth.token ? true : showSignIn('Open the console at the address `npm start` printed: it ends in #secret=…, a secret made for this run of the server.');
  }
  $('sign-out').hidden = false;
  const stored = JSON.parse(sessionStorage.getItem(TOKEN_KEY) ?? 'null');
  if (stored && stored.expires > Date.now() + 60_000) {
    auth.token = stored.token;
    return true;
  }
  const params = new URLSearchParams(location.search);
  if (params.has('code')) return finishLogin(params);
  await startLogin();
  return false;
}

$('sign-out').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  const { config } = auth;
  location.assign(`${config.loginUrl}/logout?${new URLSearchParams({ client_id: config.clientId, logout_uri: config.redirectUri })}`);
});

async function api(path, body) {
  const response = await fetch(API + path, {
    method: body ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${auth.token}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    cache: 'no-store',
  });
  if (response.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    if (auth.config.mode === 'local') showSignIn('The console’s secret did not match this run of the server: open the address `npm start` printed.');
    else showSignIn('Your session ended.', true);
    throw new SignedOut('signed out');
  }
  const value = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(value.error ?? `the console API answered ${response.status}`);
  return value;
}

/** Runs an action, reporting its failure in the status line. */
const guarded = (action) => async (...args) => {
  try {
    await action(...args);
  } catch (error) {
    if (!(error instanceof SignedOut)) say(error.message, true);
  }
};

// ---- overview --------------------------------------------------------------------------------

let poller;
let expected = 0;
/** Whether the publication has several newsletters: then every issue is named with its newsletter's name. */
let several = false;
const newsletterNames = new Map();
const ofNewsletter = (issue) => (several && issue.newsletter ? ` (${issue.newsletter.name})` : '');

function stopPolling() {
  clearInterval(poller);
  poller = undefined;
}

function progressBlock(issue, title) {
  const total = issue.planComplete ? issue.planned : Math.max(issue.planned, expected);
  const share = total > 0 ? Math.round((issue.done / total) * 100) : 0;
  return h('div', { class: 'progress' },
    h('p', {}, title, ' ', h('strong', {}, issue.issueId), ofNewsletter(issue), ': ', issue.subject),
    h('progress', { id: 'send-progress', max: Math.max(total, 1), value: issue.done, 'aria-label': `Issue ${issue.issueId}: ${issue.done} of ${total} done` }),
    h('p', { class: 'small', id: 'progress-text' },
      `${count.format(issue.done)} of ${count.format(total)} (${share}%) · sent ${count.format(issue.sent)} · skipped ${count.format(issue.skipped)} · failed ${count.format(issue.failed)}`,
      issue.planComplete ? '' : ' · still planning',
      issue.pausedUntil ? h('span', {}, ' · paused until ', when(issue.pausedUntil)) : ''));
}

function renderSending(progress) {
  const area = $('sending');
  if (progress.sending) return area.replaceChildren(progressBlock(progress.sending, 'Sending'));
  area.replaceChildren(h('p', {}, 'Nothing is sending now.'), ...(progress.last ? [progressBlock(progress.last, 'Last sent')] : []));
}

function pollProgress() {
  if (poller) return;
  poller = setInterval(guarded(async () => {
    if (document.hidden) return;
    const progress = await api('progress');
    renderSending(progress);
    if (!progress.sending) {
      stopPolling();
      await loadOverview();
    }
  }), 1500);
}

function rateLine(label, rate, sent) {
  return h('div', { class: 'rate' },
    h('p', {}, `${label}: `, h('strong', { class: `level-${rate.level}` }, percent(rate.value)), h('span', { class: 'small muted' }, ` (${count.format(rate.count)} of ${count.format(sent)} sent)`)),
    rate.warning ? h('p', { class: `level-${rate.level}`, role: 'alert' }, rate.warning) : undefined);
}

async function loadOverview() {
  const o = await api('overview');
  $('publication').textContent = o.publication;
  document.title = `Console · ${o.publication}`;
  several = o.newsletters.length > 1;
  for (const n of o.newsletters) newsletterNames.set(n.id, n.name);
  expected = o.counts.confirmed;
  figures($('counts'), [['confirmed', o.counts.confirmed], ['pending', o.counts.pending], ['unsubscribed', o.counts.unsubscribed], ['suppressed', o.counts.suppressed]]);
  renderSending(o);
  if (o.sending) pollProgress();
  $('next-send').replaceChildren(...(o.nextSend ? [when(o.nextSend.at), several ? ` · ${o.nextSend.newsletter.name}` : '', h('span', { class: 'small muted' }, ` (schedule in ${o.nextSend.timezone})`)] : ['none: no schedule has a future time']));
  const r = o.rates;
  $('rates').replaceChildren(
    h('p', { class: 'small muted' }, `${r.issues} issue(s), ${count.format(r.sent)} messages sent. SES reviews an account at 5% bounces or 0.1% complaints and may pause it at 10% or 0.5%; Gmail wants spam complaints under 0.3%.`),
    rateLine('Bounce rate', r.bounce, r.sent),
    rateLine('Complaint rate', r.complaint, r.sent));
  const most = Math.max(1, ...o.growth.weeks.map((w) => Math.max(w.confirmed, w.optedOut)));
  const bar = (n, out) => h('span', { class: `bar-cell${out ? ' out' : ''}`, style: `width:${(n / most) * 6}rem`, 'aria-hidden': 'true' });
  $('growth').replaceChildren(...o.growth.weeks.map((w) => h('tr', {}, h('td', {}, when(w.week, false)), h('td', {}, count.format(w.confirmed), bar(w.confirmed)), h('td', {}, count.format(w.optedOut), bar(w.optedOut, true)))));
  $('growth-caption').replaceChildren(`From ${count.format(o.growth.scanned)} records, read at `, when(o.growth.computedAt), ...(o.growth.keptUntil ? [' (read again after ', when(o.growth.keptUntil), ').'] : ['.']));
}

// ---- issues ----------------------------------------------------------------------------------

const FIGURES = [['planned', 'Planned'], ['sent', 'Sent'], ['skipped', 'Skipped'], ['failed', 'Failed'], ['delivered', 'Delivered'], ['bounced', 'Bounced'], ['complained', 'Complained'], ['opened', 'Opened'], ['clicked', 'Clicked']];
let issuesCursor;

function issueItem(issue) {
  const list = h('dl', { class: 'figures' });
  figures(list, FIGURES.map(([key, label]) => [label, issue.figures[key]]));
  return h('li', {},
    h('h2', {}, h('a', { href: issue.archiveUrl }, issue.subject)),
    h('p', { class: 'small' }, h('span', { class: 'tag' }, issue.status), ' ', several ? `${issue.newsletter.name} · ` : '', issue.id, ' · scheduled ', when(issue.scheduledFor), issue.sentAt ? h('span', {}, ' · sent ', when(issue.sentAt)) : '', ` · ${issue.articles} article(s)`),
    list);
}

async function loadIssues(more = false) {
  const page = await api(`issues${more && issuesCursor ? `?after=${encodeURIComponent(issuesCursor)}` : ''}`);
  several = page.newsletters.length > 1;
  const items = page.issues.map(issueItem);
  if (more) $('issues').append(...items);
  else $('issues').replaceChildren(...(items.length > 0 ? items : [h('li', {}, 'No issue has been sent yet.')]));
  issuesCursor = page.cursor;
  $('issues-more').hidden = !page.cursor;
}

// ---- subscribers -----------------------------------------------------------------------------

let shown;
let listCursor;

function eventLine(e) {
  return h('li', {}, when(e.at), ` · ${e.type} · from ${e.source}`, e.detail ? ` · ${e.detail}` : '');
}

function deliveryLine(d) {
  const times = [['sent', d.sentAt], ['delivered', d.deliveredAt], ['bounced', d.bouncedAt], ['complained', d.complainedAt], ['rejected', d.rejectedAt], ['opened', d.openedAt], ['clicked', d.clickedAt]].filter(([, t]) => t);
  return h('li', {}, h('a', { href: d.archiveUrl }, d.subject ?? d.issueId), ` · ${d.status}`, d.reason ? ` (${d.reason})` : '', ...times.map(([label, t]) => h('span', {}, ` · ${label} `, when(t))));
}

async function showSubscriber(email) {
  const history = await api(`subscriber?email=${encodeURIComponent(email)}`);
  const s = history.subscriber;
  shown = s.email;
  $('subscriber').hidden = false;
  $('subscriber-title').textContent = s.email;
  figures($('subscriber-facts'), [
    ['state', s.state], ['since', when(s.since)], ['created', when(s.createdAt)],
    ['confirmed', s.confirmedAt ? when(s.confirmedAt) : undefined], ['unsubscribed', s.unsubscribedAt ? when(s.unsubscribedAt) : undefined],
    ['suppressed', s.suppressedAt ? `${s.suppressedReason ?? ''}` : undefined], ['soft bounces', s.softBounces],
    ['name', s.name || undefined], ['newsletters', s.newsletters.length > 0 ? s.newsletters.map((id) => newsletterNames.get(id) ?? id).join(', ') : 'none'],
  ]);
  $('act-unsubscribe').disabled = s.state === 'unsubscribed' || s.state === 'suppressed';
  $('act-suppress').disabled = s.state === 'suppressed';
  $('act-resend').disabled = s.state !== 'pending';
  $('subscriber-events').replaceChildren(...(history.events.length > 0 ? history.events.map(eventLine) : [h('li', {}, 'Nothing recorded.')]));
  $('subscriber-deliveries').replaceChildren(...(history.deliveries.length > 0 ? history.deliveries.map(deliveryLine) : [h('li', {}, `No delivery in the newest ${history.issuesLooked} issue(s).`)]));
}

function subscriberItem(s) {
  return h('li', {}, h('button', { type: 'button', class: 'quiet', onclick: guarded(() => showSubscriber(s.email)) }, s.email), ` ${s.state} since `, when(s.since));
}

$('search').addEventListener('submit', guarded(async (event) => {
  event.preventDefault();
  const email = $('search-email').value;
  const found = await api(`subscribers?email=${encodeURIComponent(email)}`);
  $('subscribers-more').hidden = true;
  $('subscriber-list').replaceChildren(...found.items.map(subscriberItem));
  if (found.items.length === 0) {
    $('subscriber').hidden = true;
    return say(`${email} is not on the list.`);
  }
  say('');
  await showSubscriber(found.items[0].email);
}));

async function listByState(more) {
  const state = $('state').value;
  const page = await api(`subscribers?state=${state}${more && listCursor ? `&after=${encodeURIComponent(listCursor)}` : ''}`);
  const items = page.items.map(subscriberItem);
  if (more) $('subscriber-list').append(...items);
  else $('subscriber-list').replaceChildren(...(items.length > 0 ? items : [h('li', {}, `Nobody is ${state}.`)]));
  listCursor = page.cursor;
  $('subscribers-more').hidden = !page.cursor;
}

$('by-state').addEventListener('submit', guarded(async (event) => {
  event.preventDefault();
  await listByState(false);
}));
$('subscribers-more').addEventListener('click', guarded(() => listByState(true)));

const act = (path, question) => guarded(async () => {
  if (!shown || (question && !confirm(question(shown)))) return;
  const result = await api(path, { email: shown });
  say(result.message);
  await showSubscriber(result.subscriber.email);
});
$('act-unsubscribe').addEventListener('click', act('subscriber/unsubscribe', (email) => `Unsubscribe ${email}? Only they can subscribe again.`));
$('act-suppress').addEventListener('click', act('subscriber/suppress', (email) => `Suppress ${email}? The address is never mailed again.`));
$('act-resend').addEventListener('click', act('subscriber/resend'));

$('export').addEventListener('click', guarded(async () => {
  const parts = [];
  let cursor;
  let rows = 0;
  do {
    const page = await api(`export${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`);
    parts.push(page.csv);
    rows += page.rows;
    cursor = page.cursor;
    say(`Exporting… ${count.format(rows)} subscribers so far`);
  } while (cursor);
  const link = $('export-link');
  if (link.href) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(new Blob(parts, { type: 'text/csv' }));
  link.download = `subscribers-${new Date().toISOString().slice(0, 10)}.csv`;
  link.textContent = `Download the CSV (${count.format(rows)} subscribers)`;
  link.hidden = false;
  say(`Exported ${count.format(rows)} subscribers.`);
  link.click();
}));

// ---- send ------------------------------------------------------------------------------------

const STATES = { ready: 'ready to send', sending: 'sending (send now resumes it)', sent: 'already sent', waiting: 'waiting for an earlier issue', nothing: 'nothing new since the last issue' };
let due;

async function loadSend() {
  $('send-now').disabled = true;
  const chosen = $('send-newsletter').value;
  due = await api(`send${chosen ? `?newsletter=${encodeURIComponent(chosen)}` : ''}`);
  const choose = $('send-newsletter');
  if (choose.options.length !== due.newsletters.length) choose.replaceChildren(...due.newsletters.map((n) => h('option', { value: n.id }, n.name)));
  choose.value = due.newsletter.id;
  $('send-choose').hidden = due.newsletters.length < 2;
  const p = due.preview;
  const recipients = due.recipientsAtMost ? `Those of the ${count.format(due.recipients)} confirmed subscribers who receive ${due.newsletter.name}.` : `${count.format(due.recipients)} confirmed subscriber(s).`;
  $('due').replaceChildren(
    h('p', {}, 'Newsletter: ', h('strong', {}, due.newsletter.name)),
    h('p', {}, 'Issue due now: ', h('strong', {}, due.issueId), ` · ${STATES[due.state]}`, due.openIssueId ? ` (${due.openIssueId})` : ''),
    ...(p
      ? [h('p', {}, h('strong', {}, p.subject), due.state === 'nothing' ? h('span', { class: 'muted' }, ` (the newest issue, ${p.issueId}, shown for a test)`) : ''),
          h('ul', {}, ...p.articles.map((a) => h('li', {}, h('a', { href: a.url }, a.title), ' · ', when(a.date, false))))]
      : [h('p', {}, 'No article has been published yet.')]),
    h('p', { class: 'small muted' }, `${recipients} Next scheduled send: `, when(due.nextSend)));
  $('preview').srcdoc = p ? p.html : '<p>Nothing to show.</p>';
  $('send-now').disabled = !(due.state === 'ready' || due.state === 'sending');
  $('confirm-send').hidden = true;
}

$('test-form').addEventListener('submit', guarded(async (event) => {
  event.preventDefault();
  const result = await api('send/test', { to: $('test-to').value, newsletter: due?.newsletter.id });
  say(`A test of issue ${result.issueId} went to ${result.to} (“${result.subject}”).`);
}));

$('send-now').addEventListener('click', () => {
  if (!due) return;
  const to = due.recipientsAtMost ? `the confirmed subscribers who receive ${due.newsletter.name} (at most ${count.format(due.recipients)})` : `${count.format(due.recipients)} confirmed subscriber(s)`;
  $('confirm-text').textContent = `Send issue ${due.issueId} (“${due.preview?.subject ?? ''}”) to ${to} now?`;
  $('confirm-send').hidden = false;
  $('confirm-yes').focus();
});
$('confirm-no').addEventListener('click', () => {
  $('confirm-send').hidden = true;
  $('send-now').focus();
});
$('confirm-yes').addEventListener('click', guarded(async () => {
  $('confirm-send').hidden = true;
  const started = await api('send/now', { issueId: due.issueId, newsletter: due.newsletter.id });
  say(started.kind === 'refused' ? `Not sent: ${started.reason}` : started.kind === 'finished' ? `Issue ${started.issueId}: ${started.detail}` : `Issue ${started.issueId} is being sent.`, started.kind === 'refused');
  location.hash = '#overview';
  if (started.kind === 'started') pollProgress();
}));

// ---- views -----------------------------------------------------------------------------------

const LOADERS = { overview: loadOverview, issues: () => loadIssues(false), subscribers: async () => undefined, send: loadSend };
$('issues-more').addEventListener('click', guarded(() => loadIssues(true)));
$('send-newsletter').addEventListener('change', guarded(loadSend));

async function route(focus) {
  const name = location.hash.slice(1) in LOADERS ? location.hash.slice(1) : 'overview';
  for (const view of document.querySelectorAll('.view')) view.hidden = view.id !== `view-${name}`;
  for (const link of document.querySelectorAll('nav a')) {
    if (link.dataset.view === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (name !== 'overview') stopPolling();
  const view = $(`view-${name}`);
  view.setAttribute('aria-busy', 'true');
  if (focus) {
    const heading = $(`${name}-title`);
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }
  await guarded(LOADERS[name])();
  view.removeAttribute('aria-busy');
}

window.addEventListener('hashchange', () => route(true));
if (await signIn().catch((error) => showSignIn(`The console could not start: ${error.message}`))) await route(false);

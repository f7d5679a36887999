import { escapeHtml, truncateAtWord } from '../articles/html.ts';
import type { Article } from '../articles/types.ts';
import type { Settings } from '../settings.ts';
import { issueArchiveUrl } from '../urls.ts';
import { formatLongDate } from './dates.ts';
import { fillText, renderEmail, type EmailTemplate } from './templates.ts';
import { htmlToText, wrap } from './text.ts';

import { issueArticle, type IssueContent } from '../issue/types.ts';
import type { Newsletter } from '../newsletters/list.ts';
import { DIGEST_PLACEHOLDERS, HTML_BUDGET_BYTES } from './rendered.ts';

export { DIGEST_PLACEHOLDERS, HTML_BUDGET_BYTES } from './rendered.ts';

export interface DigestInput {
  /** As the newsletter sees them (settingsFor): its subject, mode and limits are in `digest`. */
  settings: Settings;
  /** The newsletter the issue belongs to: its name heads the issue when the publication has several. */
  newsletter?: Pick<Newsletter, 'name'> | undefined;
  issueId: string;
  /** The issue's articles, newest first (see selectIssueArticles). */
  articles: readonly Article[];
  /** The scheduled time of the issue (the date shown in the header). */
  scheduledTime: Date;
  template: EmailTemplate;
}

// Content must never be mistaken for a placeholder: `%%` in a value is broken up.
const guard = (text: string): string => text.replaceAll('%%', '%\u200b%');
const guardHtml = (html: string): string => html.replaceAll('%%', '%&#37;');

/** Images in article HTML: an `alt` always, no fixed size, never wider than the card. */
export function fitImages(html: string): string {
  return html.replace(/<img\b([^>]*?)\s*\/?>/gi, (_, attrs: string) => {
    const kept = attrs.replace(/\s(?:width|height|style)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, '');
    const alt = /\salt\s*=/i.test(kept) ? '' : ' alt=""';
    return `<img${kept}${alt} style="display:block;max-width:100%;height:auto;border:0;">`;
  });
}

function subjectFor(settings: Settings, articles: readonly Article[]): string {
  const more = articles.length > 1 ? ` + ${articles.length - 1} more` : '';
  return fillText(settings.digest.subject, { lead: articles[0]?.title ?? '', more, count: articles.length, publication: settings.title }).trim();
}

function preheaderFor(articles: readonly Article[]): string {
  return truncateAtWord(articles[0]?.summary ?? '', 150);
}

interface Layout {
  mode: 'summary' | 'full';
  cards: number;
}

function cardView(article: Article, settings: Settings, full: boolean) {
  return {
    title: guard(article.title),
    url: article.url,
    author: article.author ? guard(article.author) : undefined,
    dateText: formatLongDate(article.date, settings.language, settings.digest.schedule.timezone),
    summary: guard(article.summary),
    image: article.image,
    full,
    html: full ? guardHtml(fitImages(article.html)) : '',
  };
}

function moreText(hidden: number): string {
  return hidden === 1 ? 'One more article is in this issue.' : `${hidden} more articles are in this issue.`;
}

function renderText(input: DigestInput, layout: Layout, archiveUrl: string, dateText: string): string {
  const { settings, articles } = input;
  const heading = input.newsletter && input.newsletter.name !== settings.title ? `${input.newsletter.name} · ${settings.title}` : settings.title;
  const lines: string[] = [`${heading} · ${dateText}`, `View this issue in your browser: ${archiveUrl}`, '', `Hi ${DIGEST_PLACEHOLDERS.name},`, ''];
  articles.slice(0, layout.cards).forEach((article, i) => {
    const byline = [article.author, formatLongDate(article.date, settings.language, settings.digest.schedule.timezone)].filter(Boolean).join(' · ');
    lines.push('', `${i + 1}. ${guard(article.title)}`, `   ${guard(byline)}`, '');
    lines.push(layout.mode === 'full' ? guard(htmlToText(article.html)) : wrap(guard(article.summary), 72, '   '));
    lines.push('', `   Read more: ${article.url}`, '');
  });
  const hidden = articles.length - layout.cards;
  if (hidden > 0) lines.push('', `${moreText(hidden)} Read the whole issue: ${archiveUrl}`, '');
  lines.push(
    '',
    '-- ',
    wrap(`You are receiving this because ${DIGEST_PLACEHOLDERS.recipientEmail} subscribed to ${input.newsletter?.name ?? 'the email digest'} of ${settings.title}.`),
    `Unsubscribe: ${DIGEST_PLACEHOLDERS.unsubscribeUrl}`,
    `Preferences: ${DIGEST_PLACEHOLDERS.preferencesUrl}`,
    `Website: ${settings.siteUrl}`,
    wrap(settings.digest.postalAddress),
  );
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trim()}\n`;
}

export interface DigestRecipientValues {
  email: string;
  unsubscribeUrl: string;
  /** Default: the unsubscribe URL. */
  preferencesUrl?: string | undefined;
  /** The recipient's name or the fallback. Default: "there". */
  name?: string | undefined;
}

/** The HTML and text one recipient sees (what their message carries); for previews and archives. */
export function personaliseDigest(rendered: Pick<IssueContent, 'html' | 'text'>, values: DigestRecipientValues): { html: string; text: string } {
  const fill = (body: string, escape: (v: string) => string) =>
    body
      .replaceAll(DIGEST_PLACEHOLDERS.unsubscribeUrl, escape(values.unsubscribeUrl))
      .replaceAll(DIGEST_PLACEHOLDERS.recipientEmail, escape(values.email))
      .replaceAll(DIGEST_PLACEHOLDERS.preferencesUrl, escape(values.preferencesUrl ?? values.unsubscribeUrl))
      .replaceAll(DIGEST_PLACEHOLDERS.name, escape(values.name ?? 'there'));
  return { html: fill(rendered.html, escapeHtml), text: fill(rendered.text, (v) => v) };
}

/**
 * Renders one issue's digest once: subject, HTML and text with per-recipient placeholders. The HTML
 * is kept under Gmail's clipping size: `full` falls back to summaries, then to fewer cards with a
 * link to the issue's archive page.
 */
export async function renderDigest(input: DigestInput): Promise<IssueContent> {
  const { settings, articles, issueId } = input;
  if (articles.length === 0) throw new RangeError('an issue needs at least one article');
  const subject = subjectFor(settings, articles);
  const preheader = preheaderFor(articles);
  const archiveUrl = issueArchiveUrl(settings.siteUrl, issueId);
  const dateText = formatLongDate(input.scheduledTime, settings.language, settings.digest.schedule.timezone);

  const render = (layout: Layout) => {
    const hidden = articles.length - layout.cards;
    return renderEmail(input.template, {
      lang: settings.language,
      subject: guard(subject),
      preheader: guard(preheader),
      publication: guard(settings.title),
      newsletter: input.newsletter && input.newsletter.name !== settings.title ? guard(input.newsletter.name) : undefined,
      description: guard(settings.description),
      siteUrl: settings.siteUrl,
      siteHost: new URL(settings.siteUrl).host,
      issueDate: dateText,
      archiveUrl,
      postalAddress: guard(settings.digest.postalAddress),
      articles: articles.slice(0, layout.cards).map((a) => cardView(a, settings, layout.mode === 'full')),
      more: hidden > 0,
      moreText: moreText(hidden),
      unsubscribeUrl: DIGEST_PLACEHOLDERS.unsubscribeUrl,
      recipientEmail: DIGEST_PLACEHOLDERS.recipientEmail,
      preferencesUrl: DIGEST_PLACEHOLDERS.preferencesUrl,
      name: DIGEST_PLACEHOLDERS.name,
    });
  };
  const fits = (html: string) => Buffer.byteLength(html) <= HTML_BUDGET_BYTES;

  // Articles whose HTML alone is over the budget could never fit in full: they are not rendered in full at all
  // (MJML and the text conversion take long on megabytes of HTML).
  const tooBigForFull = articles.reduce((sum, a) => sum + Buffer.byteLength(a.html), 0) > HTML_BUDGET_BYTES;
  let layout: Layout = { mode: tooBigForFull ? 'summary' : settings.digest.mode, cards: articles.length };
  let html = await render(layout);
  if (!fits(html) && layout.mode === 'full') {
    layout = { mode: 'summary', cards: articles.length };
    html = await render(layout);
  }
  if (!fits(html)) {
    // Fewest cards known to fit is searched for between 1 and the count that did not.
    let low = 1;
    let high = layout.cards - 1;
    let best: { layout: Layout; html: string } | undefined;
    while (low <= high) {
      const cards = Math.floor((low + high) / 2);
      const candidate = await render({ mode: 'summary', cards });
      if (fits(candidate)) {
        best = { layout: { mode: 'summary', cards }, html: candidate };
        low = cards + 1;
      } else {
        high = cards - 1;
      }
    }
    if (best) ({ layout, html } = best);
  }
  return {
    subject,
    html,
    text: renderText(input, layout, archiveUrl, dateText),
    preheader,
    articles: articles.map(issueArticle),
    cards: layout.cards,
    mode: layout.mode,
  };
}

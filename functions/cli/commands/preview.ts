import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadArticles } from '../../core/articles/load.ts';
import { formatProblem } from '../../core/articles/types.ts';
import { loadSettings } from '../../core/site/build.ts';
import { newslettersOf, settingsFor } from '../../core/newsletters/list.ts';
import { normaliseEmail, subscriberId } from '../../core/subscribers/identity.ts';
import { preferencesToken, unsubscribeToken } from '../../core/subscribers/links.ts';
import { normaliseName } from '../../core/subscribers/name.ts';
import { preferencesUrl, unsubscribeUrl } from '../../core/urls.ts';
import { tokenSecret } from '../../wiring/secret.ts';
import { localBuildDeps } from '../../wiring/site.ts';
import { consoleLogger } from '../console-logger.ts';
import { CliError } from '../errors.ts';
import { pastTimeOption } from '../time-option.ts';

interface PreviewOptions {
  content: string;
  out: string;
  to: string;
  at?: string;
  templates?: string;
  newsletter?: string;
  name?: string;
}

function kilobytes(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} KB`;
}

export function registerPreview(program: Command): void {
  program
    .command('preview')
    .description('write the digest that would go out now (digest.html, digest.txt, digest.eml) as one subscriber would get it')
    .option('--content <dir>', 'content directory', 'content')
    .option('--out <dir>', 'output directory', '.preview')
    .option('--to <address>', 'the subscriber to preview for', 'reader@example.com')
    .option('--at <time>', 'send time, ISO 8601 (default: now)')
    .option('--templates <dir>', 'templates directory (default: the bundled templates/)')
    .option('--newsletter <id>', 'the newsletter to preview (default: digest, else the first)')
    .option('--name <name>', "the subscriber's name, for the greeting (default: none, so the fallback)")
    .action(async (opts: PreviewOptions) => {
      // Loaded when used: the renderer (MJML) takes a second to load and most commands never need it.
      const [{ compileDigestMessage }, { personaliseDigest }, { renderIssueDueAt }] = await Promise.all([
        import('../../core/digest/message.ts'),
        import('../../core/digest/render.ts'),
        import('../../core/digest/preview.ts'),
      ]);
      const address = normaliseEmail(opts.to);
      if (!address.ok) throw new CliError(`--to: ${address.reason}`, 2);
      const name = normaliseName(opts.name);
      if (!name.ok) throw new CliError(`--name: ${name.reason}`, 2);
      const now = new Date();
      const at = pastTimeOption('--at', opts.at, now);

      const log = consoleLogger();
      const deps = localBuildDeps({ content: opts.content, out: opts.out, templates: opts.templates }, log);
      const settings = await loadSettings(deps.content);
      const loaded = loadArticles(await deps.content.list(), settings, now);
      for (const problem of loaded.problems) log.error(formatProblem(problem));
      const newsletters = newslettersOf(settings);
      const chosen = opts.newsletter === undefined ? undefined : newsletters.find((n) => n.id === opts.newsletter);
      if (opts.newsletter !== undefined && !chosen) throw new CliError(`--newsletter: no newsletter "${opts.newsletter}" (there are: ${newsletters.map((n) => n.id).join(', ')})`, 2);
      const preview = await renderIssueDueAt({ settings, articles: loaded.articles, templates: deps.templates, at, now, newsletter: chosen });
      if (!preview) throw new CliError(`no articles${chosen ? ` that ${chosen.id} carries` : ''} published by ${at.toISOString()} in ${opts.content}/articles/: there is no issue to preview`);
      const { issue, rendered, newsletter } = preview;

      const keys = { tokenKey: tokenSecret(), newsletters };
      const subscriber = subscriberId(address.email);
      const token = unsubscribeToken(keys, subscriber, newsletter);
      const prefs = preferencesToken(keys, subscriber);
      const eml = compileDigestMessage(rendered, settingsFor(settings, newsletter), { issueId: issue.id }).forRecipient({
        email: address.email,
        subscriberId: subscriber,
        unsubscribeToken: token,
        preferencesToken: prefs,
        name: name.name,
        date: at,
      });
      const personal = personaliseDigest(rendered, {
        email: address.email,
        unsubscribeUrl: unsubscribeUrl(settings.digest.apiUrl, token),
        preferencesUrl: preferencesUrl(settings.digest.apiUrl, prefs),
        name: name.name ?? newsletter.nameFallback,
      });

      const out = resolve(opts.out);
      await mkdir(out, { recursive: true });
      await Promise.all([
        writeFile(join(out, 'digest.html'), personal.html),
        writeFile(join(out, 'digest.txt'), personal.text),
        writeFile(join(out, 'digest.eml'), eml),
      ]);
      const lines = [
        issue.latestInstead
          ? `nothing was published in the ${newsletter.lookbackDays} days before the issue due at ${at.toISOString()}; previewing the issue of the newest article instead: ${issue.id} (use --at to choose the send time)`
          : `issue ${issue.id}: what a first issue sent at ${at.toISOString()} would carry (the ${newsletter.lookbackDays} days before its scheduled time)`,
        `subject: ${rendered.subject}`,
        `articles: ${rendered.cards}${rendered.cards < rendered.articles.length ? ` of ${rendered.articles.length} (the rest are linked from the archive page)` : ''}, ${rendered.mode}`,
        `HTML: ${kilobytes(Buffer.byteLength(rendered.html))} (Gmail clips over 102 KB); message: ${kilobytes(eml.length)}`,
        `wrote ${join(opts.out, 'digest.html')}, digest.txt and digest.eml for ${address.email}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { frontMatterSchema } from '../../core/articles/frontmatter.ts';
import { importPlainText } from '../../core/importer.ts';
import { CliError } from '../errors.ts';

/** Now as ISO 8601 with the machine's offset, to the second. */
function localIsoNow(now = new Date()): string {
  const offset = -now.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const pad = (n: number) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  const local = new Date(now.getTime() + offset * 60_000).toISOString().slice(0, 19);
  return `${local}${sign}${pad(offset / 60)}:${pad(offset % 60)}`;
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('turn a plain-text article (as a newsroom hands it over) into a Markdown content file')
    .argument('<file>', 'plain-text article, UTF-8')
    .requiredOption('--title <title>', 'headline')
    .option('--date <iso>', 'publication time, ISO 8601 with offset (default: now)')
    .option('--author <name>', 'author')
    .option('--slug <slug>', 'URL slug (default: from the title)')
    .option('--content <dir>', 'content directory', 'content')
    .option('--force', 'replace an existing article with the same slug')
    .action(async (file: string, opts: { title: string; date?: string; author?: string; slug?: string; content: string; force?: boolean }) => {
      // The options first: a bad one is a bad argument (exit 2), whatever the file.
      const date = opts.date ?? localIsoNow();
      const check = frontMatterSchema.safeParse({ title: opts.title, date, slug: opts.slug, author: opts.author });
      if (!check.success) {
        const issue = check.error.issues[0]!;
        throw new CliError(`--${issue.path.join('.')}: ${issue.message}`, 2);
      }
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (cause) {
        throw new CliError(`${file}: cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, 1, { cause });
      }
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        throw new CliError(`${file}: not valid UTF-8 text; convert it first (e.g. iconv -f windows-1252 -t utf-8)`);
      }
      let result;
      try {
        result = importPlainText(text, { title: opts.title, date, author: opts.author, slug: opts.slug });
      } catch (error) {
        throw new CliError(`${file}: ${(error as Error).message}`);
      }
      const dir = resolve(opts.content, 'articles');
      const target = join(dir, `${result.slug}.md`);
      if (!opts.force) {
        const exists = await access(target).then(() => true, () => false);
        if (exists) throw new CliError(`${target} already exists: pass --force to replace it or --slug to choose another`);
      }
      await mkdir(dir, { recursive: true });
      await writeFile(target, result.markdown);
      process.stdout.write(
        `wrote ${target}: ${result.paragraphs} paragraphs, ${result.headings} subheadings` +
          (result.removed.length > 0 ? `, removed ${result.removed.map((r) => JSON.stringify(r)).join(', ')}` : '') +
          '\n',
      );
    });
}

import type { Command } from 'commander';
import { codeVersion } from '../../adapters/code-version.ts';
import { WorkerPool } from '../../adapters/worker-pool.ts';
import { SiteBuilder } from '../../core/site/build.ts';
import { localBuildDeps } from '../../wiring/site.ts';
import { consoleLogger } from '../console-logger.ts';
import { CliError } from '../errors.ts';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function registerBuild(program: Command): void {
  program
    .command('build')
    .description('build the feeds (RSS, Atom, JSON Feed), article pages and index from the content directory')
    .option('--content <dir>', 'content directory', 'content')
    .option('--out <dir>', 'output directory', 'dist')
    .option('--templates <dir>', 'templates directory (default: the bundled templates/)')
    .option('--strict', 'exit with status 2 when any article was left out')
    .option('--verbose', 'log every step')
    .action(async (opts: { content: string; out: string; templates?: string; strict?: boolean; verbose?: boolean }) => {
      const builder = new SiteBuilder({ ...localBuildDeps(opts, consoleLogger(opts.verbose)), processor: new WorkerPool(), codeVersion: codeVersion() });
      const report = await builder.build(new Date()).finally(() => builder.close());
      const skipped = report.skipped.map((s) => `${s.file} (${s.reason === 'draft' ? 'draft' : `scheduled for ${s.date.toISOString()}`})`);
      process.stdout.write(
        `built ${opts.out}/: ${plural(report.articles.length, 'article')} published, ` +
          `${report.feedItems} in each feed (feed.xml, atom.xml, feed.json), ` +
          `${report.problems.length} left out with errors, ${report.skipped.length} not yet published\n` +
          `wrote ${plural(report.written.length, 'changed file')}, ${report.unchanged} unchanged` +
          (report.removed.length > 0 ? `, removed ${plural(report.removed.length, 'page')} no longer published` : '') +
          '\n',
      );
      if (skipped.length > 0) process.stdout.write(`not yet published: ${skipped.join(', ')}\n`);
      if (report.articles.length === 0 && report.problems.length === 0) {
        process.stderr.write(`warning: no articles found in ${opts.content}/articles/: the feeds are empty\n`);
      }
      if (opts.strict && report.problems.length > 0) {
        throw new CliError(`${report.problems.length} article(s) left out (see errors above)`, 2);
      }
    });
}

import type { Command } from 'commander';
import { buildSite } from '../../core/site/build.ts';
import { localBuildDeps } from '../../wiring/site.ts';
import { consoleLogger } from '../console-logger.ts';
import { CliError } from '../errors.ts';

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
      const report = await buildSite(localBuildDeps(opts, consoleLogger(opts.verbose)), new Date());
      const skipped = report.skipped.map((s) => `${s.file} (${s.reason === 'draft' ? 'draft' : `scheduled for ${s.date.toISOString()}`})`);
      process.stdout.write(
        `built ${opts.out}/: ${report.articles.length} article${report.articles.length === 1 ? '' : 's'} published, ` +
          `${report.feedItems} in each feed (feed.xml, atom.xml, feed.json), ` +
          `${report.problems.length} left out with errors, ${report.skipped.length} not yet published\n`,
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

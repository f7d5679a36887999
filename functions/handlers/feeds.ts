import type { Context, S3Event } from 'aws-lambda';
import { formatProblem } from '../core/articles/types.ts';
import { buildSite, siteBuilder, type BuildDeps } from '../core/site/build.ts';

/**
 * A direct invocation: `{"reason":"calendar"}` from the five-minute schedule rebuilds only when an
 * embargoed article's time has come; any other reason (console, CLI, templates changed) rebuilds.
 */
export interface RebuildRequest {
  reason?: string;
}

export interface RebuildResult {
  /** False when a calendar check found nothing due (nothing else is then reported). */
  built: boolean;
  published: number;
  inFeeds: number;
  problems: string[];
  written: number;
}

export interface FeedsHandlerDeps extends BuildDeps {
  now: () => Date;
}

/** Regenerates feeds and pages whenever content changes (S3 event) or on request. */
export function feedsHandler(deps: FeedsHandlerDeps) {
  return async (event: S3Event | RebuildRequest, _context?: Context): Promise<RebuildResult> => {
    const changed = 'Records' in event ? event.Records.map((r) => decodeURIComponent(r.s3.object.key.replace(/\+/g, ' '))) : [];
    const calendar = !('Records' in event) && event.reason === 'calendar';
    // The calendar check runs every five minutes: it says something only when it builds.
    if (!calendar) deps.log.info('rebuild requested', { changed, reason: 'Records' in event ? 's3' : (event.reason ?? 'invoke') });
    const report = calendar ? await siteBuilder(deps).buildIfDue(deps.now()) : await buildSite(deps, deps.now());
    if (!report) return { built: false, published: 0, inFeeds: 0, problems: [], written: 0 };
    if (calendar) deps.log.info('an embargoed article is due: site rebuilt', { published: report.articles.length });
    return {
      built: true,
      published: report.articles.length,
      inFeeds: report.feedItems,
      problems: report.problems.map(formatProblem),
      written: report.written.length,
    };
  };
}

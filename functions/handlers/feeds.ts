import type { Context, S3Event } from 'aws-lambda';
import { formatProblem } from '../core/articles/types.ts';
import { buildSite, type BuildDeps } from '../core/site/build.ts';

/** A direct invocation (console, CLI, schedule): rebuild everything. */
export interface RebuildRequest {
  reason?: string;
}

export interface RebuildResult {
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
    deps.log.info('rebuild requested', { changed, reason: 'Records' in event ? 's3' : (event.reason ?? 'invoke') });
    const report = await buildSite(deps, deps.now());
    return {
      published: report.articles.length,
      inFeeds: report.feedItems,
      problems: report.problems.map(formatProblem),
      written: report.written.length,
    };
  };
}

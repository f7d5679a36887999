import type { SiteOutput, TemplateSource } from '../ports.ts';
import type { IssueArchivePublisher, IssueStore } from '../sending/ports.ts';
import type { Settings } from '../settings.ts';
import { newslettersOf } from '../newsletters/list.ts';
import { loadPageTemplates } from '../site/pages.ts';
import { ARCHIVE_TEMPLATE_FILES, writeIssueArchive, type ArchiveTemplates } from './archive.ts';
import type { IssueRecord, IssueSummary } from './types.ts';

export async function loadArchiveTemplates(source: TemplateSource): Promise<ArchiveTemplates> {
  const [pages, issue, issues] = await Promise.all([loadPageTemplates(source), source.load(ARCHIVE_TEMPLATE_FILES.issue), source.load(ARCHIVE_TEMPLATE_FILES.issues)]);
  return { ...pages, issue, issues };
}

/** Every issue of a list, newest first, paging through the store. */
export async function listAllIssues(issues: Pick<IssueStore, 'listIssues'>, listId: string): Promise<IssueSummary[]> {
  const out: IssueSummary[] = [];
  let after: string | undefined;
  do {
    const page = await issues.listIssues(listId, { limit: 100, after });
    out.push(...page.issues);
    after = page.cursor;
  } while (after);
  return out;
}

/**
 * Every issue of every newsletter of the publication, newest first (by scheduled time; two due the
 * same minute in the newsletters' order). Each newsletter's issues are kept under its list id.
 */
export async function allIssues(issues: Pick<IssueStore, 'listIssues'>, settings: Settings): Promise<IssueSummary[]> {
  const lists = newslettersOf(settings).map((n) => n.listId);
  const each = await Promise.all(lists.map((listId) => listAllIssues(issues, listId)));
  return each.flat().sort((a, b) => b.scheduledFor.getTime() - a.scheduledFor.getTime() || lists.indexOf(a.listId) - lists.indexOf(b.listId));
}

export interface SiteIssueArchiveDeps {
  issues: Pick<IssueStore, 'listIssues'>;
  /** Where `publish` writes (a site build passes its own output to `publishAll`). */
  output?: SiteOutput | undefined;
  templates: TemplateSource;
  /** The settings `publish` renders with (a site build passes the ones it read); the list is theirs. */
  settings?: Settings | undefined;
}

/** The archive on the site, from the issue records in the store (see archive.ts). */
export class SiteIssueArchive implements IssueArchivePublisher {
  private templates: Promise<ArchiveTemplates> | undefined;

  constructor(private readonly deps: SiteIssueArchiveDeps) {}

  private load(): Promise<ArchiveTemplates> {
    this.templates ??= loadArchiveTemplates(this.deps.templates).catch((error: unknown) => {
      this.templates = undefined;
      throw error;
    });
    return this.templates;
  }

  /** One issue's page (just planned), the index and the feed. */
  async publish(issue: IssueRecord): Promise<void> {
    const { output, settings } = this.deps;
    if (!output || !settings) throw new Error('this archive has no site to publish to');
    await this.write({ output, settings }, new Set([issue.id]));
  }

  /**
   * Every issue's page, the index and the feed (what a site build writes); articles that are not in
   * `published` any more are listed without a link. Returns the paths written.
   */
  async publishAll(options: { published?: ReadonlySet<string> | undefined; output: SiteOutput; settings: Settings }): Promise<string[]> {
    return this.write(options, undefined);
  }

  private async write(to: { output: SiteOutput; settings: Settings; published?: ReadonlySet<string> | undefined }, only: ReadonlySet<string> | undefined): Promise<string[]> {
    const [templates, issues] = await Promise.all([this.load(), allIssues(this.deps.issues, to.settings)]);
    return writeIssueArchive(to.output, { settings: to.settings, templates, issues, published: to.published }, only);
  }
}

import { LEGACY_NEWSLETTER_ID } from '../newsletters/list.ts';

/**
 * The id of the issue of `newsletter` scheduled at `scheduledTime`: UTC to the minute, URL-safe, e.g.
 * `2024-11-25T0700Z` for the legacy newsletter (unchanged, so issues stored before newsletters keep
 * their ids) and `economy-2024-11-25T0700Z` for any other, so two newsletters due the same minute never
 * share an id.
 */
export function issueIdFor(scheduledTime: Date, newsletter: string = LEGACY_NEWSLETTER_ID): string {
  const iso = scheduledTime.toISOString();
  const time = `${iso.slice(0, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
  return newsletter === LEGACY_NEWSLETTER_ID ? time : `${newsletter}-${time}`;
}

/** The scheduled time and newsletter an issue id stands for; undefined when it is not an issue id. */
export function parseIssueId(issueId: string): { time: Date; newsletter: string } | undefined {
  const m = /^(?:([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)-)?(\d{4}-\d{2}-\d{2})T(\d{2})(\d{2})Z$/.exec(issueId);
  if (!m) return undefined;
  const time = new Date(`${m[2]}T${m[3]}:${m[4]}:00Z`);
  const newsletter = m[1] ?? LEGACY_NEWSLETTER_ID;
  return Number.isNaN(time.getTime()) || issueIdFor(time, newsletter) !== issueId ? undefined : { time, newsletter };
}

/** The scheduled time an issue id stands for; undefined when it is not an issue id. */
export function issueTime(issueId: string): Date | undefined {
  return parseIssueId(issueId)?.time;
}

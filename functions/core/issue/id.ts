/** The id of the issue scheduled at `scheduledTime`: UTC to the minute, URL-safe, e.g. `2024-11-25T0700Z`. */
export function issueIdFor(scheduledTime: Date): string {
  const iso = scheduledTime.toISOString();
  return `${iso.slice(0, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
}

/** The scheduled time an issue id stands for; undefined when it is not an issue id. */
export function issueTime(issueId: string): Date | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2})(\d{2})Z$/.exec(issueId);
  if (!m) return undefined;
  const date = new Date(`${m[1]}T${m[2]}:${m[3]}:00Z`);
  return Number.isNaN(date.getTime()) || issueIdFor(date) !== issueId ? undefined : date;
}

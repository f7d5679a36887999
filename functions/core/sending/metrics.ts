import type { IssueEventCount } from '../issue/types.ts';

/**
 * The metrics sending publishes (CloudWatch embedded metric format on AWS), all in one namespace and
 * without dimensions: the dashboard and the alarms read exactly these names.
 */
export const METRIC_NAMESPACE = 'Newsletter';

/** Published by the delivery worker, once per batch: recipients sent to, skipped, failed, and SES's throttled answers. */
export const SEND_METRICS = ['Sent', 'Skipped', 'Failed', 'Throttled'] as const;
export type SendMetric = (typeof SEND_METRICS)[number];

/** Published by the SES-events function, once per event it counts (each recipient once per kind). */
export const EVENT_METRIC = {
  delivered: 'Delivered',
  bounced: 'Bounced',
  complained: 'Complained',
  rejected: 'Rejected',
  opened: 'Opened',
  clicked: 'Clicked',
} as const satisfies Record<IssueEventCount, string>;
export const EVENT_METRICS = Object.values(EVENT_METRIC);
export type EventMetric = (typeof EVENT_METRIC)[IssueEventCount];

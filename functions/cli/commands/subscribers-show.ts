import type { Command } from 'commander';
import { SubscribersService, type SubscriberHistory } from '../../core/admin/subscribers.ts';
import { subscriptionService } from '../../wiring/api.ts';
import { asCommandResult } from '../errors.ts';
import { systemOptions, withSystem, type SystemOptions } from '../system.ts';

const time = (d: Date | undefined) => d?.toISOString() ?? '';

/** One subscriber's history as `subscribers show` prints it. */
export function historyReport(h: SubscriberHistory): string {
  const s = h.subscriber;
  const facts = [
    `${s.email}: ${s.state} since ${time(s.since)}`,
    `  id ${s.id}, created ${time(s.createdAt)}${s.confirmedAt ? `, confirmed ${time(s.confirmedAt)}` : ''}${s.softBounces ? `, ${s.softBounces} transient bounce(s)` : ''}`,
    ...(s.name ? [`  name: ${s.name}`] : []),
    `  newsletters: ${s.newsletters.join(', ') || 'none'}`,
    ...(s.suppressedReason ? [`  suppressed: ${s.suppressedReason}`] : []),
    ...(s.requestOpen ? ['  a request to subscribe waits for their confirmation'] : []),
    'consent history:',
    ...(h.events.length > 0 ? h.events.map((e) => `  ${time(e.at)}  ${e.type} (${e.source})${e.detail ? `: ${e.detail}` : ''}`) : ['  nothing recorded']),
    `deliveries (newest ${h.issuesLooked} issue(s)):`,
    ...(h.deliveries.length > 0
      ? h.deliveries.map((d) => {
          const times = (['sentAt', 'deliveredAt', 'bouncedAt', 'complainedAt', 'rejectedAt', 'openedAt', 'clickedAt'] as const).filter((k) => d[k]).map((k) => `${k.slice(0, -2)} ${time(d[k])}`);
          return `  ${d.issueId}  ${d.status}${d.reason ? ` (${d.reason})` : ''}${times.length > 0 ? `  ${times.join(', ')}` : ''}  ${d.subject ?? ''}`.trimEnd();
        })
      : ['  none']),
  ];
  return `${facts.join('\n')}\n`;
}

/** `subscribers show ADDRESS`: the console's subscriber history, on the command line. */
export function registerSubscribersShow(group: Command): void {
  systemOptions(group.command('show').description("one subscriber's history: requests, confirmations, opt-outs with their source, and deliveries").argument('<email>', 'the address')).action(
    async (email: string, opts: SystemOptions) => {
      const history = await withSystem(opts, (system) => {
        const subscribers = new SubscribersService({ ...system, subscribers: system.stores.subscribers, issues: system.stores.issues, deliveries: system.stores.deliveries, subscriptions: subscriptionService(system) });
        return asCommandResult(subscribers.history(email));
      });
      process.stdout.write(historyReport(history));
    },
  );
}

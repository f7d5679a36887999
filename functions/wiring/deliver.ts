import type { Logger, Mailer } from '../core/ports.ts';
import { POLICY } from '../core/policy.ts';
import { BatchDeliverer } from '../core/sending/deliver.ts';
import type { SendMetric } from '../core/sending/metrics.ts';
import type { MetricsSink } from '../core/sending/ports.ts';
import { DigestMessageFactory } from '../core/sending/messages.ts';
import type { DeliverHandlerDeps } from '../handlers/deliver.ts';
import type { Stores } from './stores.ts';

/**
 * The delivery worker, from its parts: the stores, a mailer and a way to hold a paused batch back. The
 * same assembly on AWS (DynamoDB, SES, SQS) and on one machine (dynalite, the outbox, in process).
 */
export function deliverDeps(input: {
  stores: Stores;
  mailer: Mailer;
  log: Logger;
  defer: DeliverHandlerDeps['defer'];
  now?: () => Date;
  /** How long a claim stays in doubt (default POLICY.inDoubtMs). */
  inDoubtMs?: number;
  metrics?: MetricsSink<SendMetric>;
}): DeliverHandlerDeps {
  const now = input.now ?? (() => new Date());
  const deliverer = new BatchDeliverer({
    issues: input.stores.issues,
    claims: input.stores.claims,
    deliveries: input.stores.deliveries,
    subscribers: input.stores.subscribers,
    mailer: input.mailer,
    messages: new DigestMessageFactory(),
    log: input.log,
    inDoubtMs: input.inDoubtMs ?? POLICY.inDoubtMs,
    quotaPauseMs: POLICY.quotaPauseMs,
    sendConcurrency: POLICY.sendConcurrency,
    chunkSize: POLICY.chunkSize,
    metrics: input.metrics,
    now,
  });
  return { deliverer, log: input.log, now, defer: input.defer };
}

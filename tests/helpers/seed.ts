import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { subscriberItem } from '../../functions/adapters/dynamo/subscribers.ts';
import { documentClient } from '../../functions/adapters/dynamo/table.ts';
import type { Subscriber } from '../../functions/core/subscribers/types.ts';
import { subscriberId } from '../../functions/core/subscribers/identity.ts';
import type { RunningServer } from '../../functions/local/server.ts';
import { embeddedStoreClient } from '../../functions/wiring/embedded-store.ts';

/** A subscriber record as an import would leave it, confirmed at `at` unless `change` says otherwise. */
export function seededSubscriber(email: string, at: Date, change: Partial<Subscriber> = {}): Subscriber {
  return { id: subscriberId(email), email, state: 'confirmed', version: 1, createdAt: at, updatedAt: at, confirmedAt: at, softBounces: 0, history: [{ at, type: 'added', source: 'import' }], ...change };
}

/** Writes records straight into a local server's store, 25 a request (thousands in a second or two, not through the HTTP API). */
export async function seedSubscribers(server: RunningServer, subscribers: readonly Subscriber[]): Promise<void> {
  const store = server.system.store;
  if (!store) throw new Error('the local server runs without its embedded store');
  const docs = documentClient(embeddedStoreClient(store.endpoint));
  const items = subscribers.map((s) => subscriberItem(s));
  for (let i = 0; i < items.length; i += 25) {
    await docs.send(new BatchWriteCommand({ RequestItems: { [store.table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
  }
}

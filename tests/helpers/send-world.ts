import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Mailer } from '../../functions/core/ports.ts';
import { tempTree } from './cli.ts';
import { startDynalite, type LocalDynamo } from './dynalite.ts';
import { snsEvent } from './events.ts';
import { articleText, settingsYaml } from './factories.ts';
import { startSesStandIn, type SesStandIn, type StandInOptions } from './ses-standin.ts';
import { wireWorld, type World } from './world.ts';

/** The scheduled time the sending tests plan, and the issue it names. */
export const SEND = '2026-01-05T07:00:00Z';
export const ISSUE = '2026-01-05T0700Z';

export interface SendingWorlds {
  dynamo(): LocalDynamo;
  /** The SES stand-in of the current test. */
  ses(): SesStandIn;
  /**
   * A world with one article to send and `readers` confirmed, at the scheduled time: the real handlers
   * over dynalite and a new SES stand-in whose events (a Send and a Delivery for each message it
   * accepts) reach the SES-events handler, as through the configuration set.
   */
  setUp(readers: readonly string[], options?: StandInOptions, mailer?: (real: Mailer) => Mailer): Promise<World>;
}

/** Registers the hooks of a test file that sends issues: one dynalite for the file, a stand-in per test. */
export function sendingWorlds(): SendingWorlds {
  let dynamo: LocalDynamo | undefined;
  let ses: SesStandIn | undefined;
  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => dynamo?.close());
  afterEach(async () => {
    await ses?.close();
    ses = undefined;
  });
  return {
    dynamo: () => dynamo!,
    ses: () => ses!,
    async setUp(readers, options = {}, mailer) {
      const standIn = (ses = await startSesStandIn(options));
      const contentDir = tempTree({ 'publication.yaml': settingsYaml(), 'articles/news.md': articleText({ title: 'The news', date: '2026-01-03T10:00:00Z' }) });
      const world = await wireWorld({ dynamo: dynamo!, ses: standIn.client(), contentDir, batchSize: 5, ...(mailer ? { mailer } : {}) });
      standIn.publish = (event) => world.handlers.sesEvents(snsEvent([event]));
      world.clock.now = new Date(SEND);
      for (const email of readers) await world.stores.subscribers.addConfirmed(email, new Date('2026-01-01T00:00:00Z'), 'cli');
      return world;
    },
  };
}

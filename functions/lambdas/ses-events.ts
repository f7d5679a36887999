import { emfMetrics } from '../adapters/emf-metrics.ts';
import { jsonLogger } from '../adapters/json-logger.ts';
import { sesEventsHandler } from '../handlers/ses-events.ts';
import { eventStores } from '../wiring/aws/table.ts';
import { sesEventDeps } from '../wiring/ses-events.ts';
import { readEnv } from './env.ts';

const env = readEnv('ses-events');

export const handler = sesEventsHandler(sesEventDeps({ stores: eventStores(env.TABLE_NAME), log: jsonLogger({ service: 'ses-events' }), metrics: emfMetrics() }));

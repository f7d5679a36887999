import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_ROUTES } from '../functions/handlers/http/admin-routes.ts';
import type { FunctionName } from '../functions/lambdas/env.ts';
import { PROJECT_ROOT } from '../functions/wiring/paths.ts';

/** `METHOD /path` under the API prefix. */
export type Route = `${'GET' | 'POST'} /${string}`;

/** How a function is invoked. */
export type Trigger =
  | { kind: 'content-changed' }
  /** `mailing`: routes that send a mail, held to a low request rate. */
  | { kind: 'http'; routes: Route[]; mailing?: Route[] }
  | { kind: 'schedule' }
  | { kind: 'queue' }
  | { kind: 'ses-events' }
  /** The console's API: operators' routes, every one behind the JWT authorizer (infra/console.ts). */
  | { kind: 'admin'; routes: readonly Route[] };

export interface FunctionSpec {
  /** Composition root `functions/lambdas/<name>.ts`, exporting `handler`; also names its environment spec. */
  name: FunctionName;
  trigger: Trigger;
  /** Renders MJML (and so carries the MJML compiler); every other bundle must stay free of it. */
  rendersMjml: boolean;
  /**
   * Carries its own copy of the AWS SDK clients it uses instead of loading the runtime's. One minified
   * file starts faster than the runtime's SDK, which Node resolves and reads package by package (the
   * AWS SDK team's advice for cold starts, aws/aws-cdk#25492): worth it for the functions that scale
   * out with the list and start most often. The others leave `@aws-sdk/*` to the runtime.
   */
  bundlesSdk: boolean;
  memoryMb: number;
  timeoutSeconds: number;
}

/** Path prefix of the HTTP API on the site's domain (CloudFront sends `/api/*` to the API). */
export const API_PREFIX = '/api';

/** Every Lambda function of the product, one line each. */
export const FUNCTIONS: FunctionSpec[] = [
  { name: 'feeds', trigger: { kind: 'content-changed' }, rendersMjml: false, bundlesSdk: false, memoryMb: 1024, timeoutSeconds: 300 },
  { name: 'subscribe', trigger: { kind: 'http', routes: ['GET /subscribe', 'POST /subscribe'], mailing: ['POST /subscribe'] }, rendersMjml: true, bundlesSdk: false, memoryMb: 1024, timeoutSeconds: 15 },
  // POST /confirm sends the welcome mail once per confirmation (a signed, versioned link): not held to the mailing rate.
  { name: 'confirm', trigger: { kind: 'http', routes: ['GET /confirm', 'POST /confirm'] }, rendersMjml: true, bundlesSdk: false, memoryMb: 1024, timeoutSeconds: 15 },
  { name: 'unsubscribe', trigger: { kind: 'http', routes: ['GET /unsubscribe', 'POST /unsubscribe', 'GET /preferences', 'POST /preferences'] }, rendersMjml: false, bundlesSdk: false, memoryMb: 512, timeoutSeconds: 15 },
  { name: 'plan-issue', trigger: { kind: 'schedule' }, rendersMjml: true, bundlesSdk: false, memoryMb: 1024, timeoutSeconds: 900 },
  { name: 'deliver', trigger: { kind: 'queue' }, rendersMjml: false, bundlesSdk: true, memoryMb: 512, timeoutSeconds: 120 },
  { name: 'ses-events', trigger: { kind: 'ses-events' }, rendersMjml: false, bundlesSdk: true, memoryMb: 256, timeoutSeconds: 30 },
  // Under the HTTP API's 30 s limit: the overview's pass over 100,000 subscribers takes a few seconds.
  { name: 'admin', trigger: { kind: 'admin', routes: ADMIN_ROUTES }, rendersMjml: true, bundlesSdk: false, memoryMb: 1024, timeoutSeconds: 29 },
];

/** The file infra bundles for a function: its composition root. */
export function handlerEntry(spec: Pick<FunctionSpec, 'name'>): string {
  return `functions/lambdas/${spec.name}.ts`;
}

/** Whether the composition root exists yet (only those are bundled and deployed). */
export function handlerExists(spec: Pick<FunctionSpec, 'name'>): boolean {
  return existsSync(join(PROJECT_ROOT, handlerEntry(spec)));
}

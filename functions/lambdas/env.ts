import type * as z from '../core/schema.ts';
import { positiveNumber, readVariables, required } from '../wiring/env.ts';

/**
 * Every variable a Lambda function may be given, what it holds and how it is read. infra/stack.ts sets
 * each one from the resource named here; nothing else is read from a function's environment.
 */
export const VARIABLES = {
  /** The content bucket: publication.yaml and articles/. */
  CONTENT_BUCKET: required,
  /** The site bucket the CDN serves: feeds and pages. */
  SITE_BUCKET: required,
  /** The DynamoDB table of subscribers, issues and deliveries (adapters/dynamo/schema.ts). */
  TABLE_NAME: required,
  /** The SQS queue of delivery batches. */
  QUEUE_URL: required,
  /** The SSM SecureString parameter that holds the token signing key. */
  TOKEN_SECRET_PARAM: required,
  /** The templates/ directory copied into the bundle. */
  TEMPLATES_DIR: required,
  /** The SES configuration set every mail is sent through (its events reach the ses-events function). */
  SES_CONFIGURATION_SET: required,
  /** Messages per second this function may send: its role may not read the account's quota. */
  MAX_SEND_RATE: positiveNumber,
  /** The plan-issue function, which the console's "send now" invokes. */
  PLAN_FUNCTION: required,
} as const;

export type Variable = keyof typeof VARIABLES;

/** Each function's environment, exactly. */
export const FUNCTION_ENV = {
  // TABLE_NAME: the digest's archive is written from the issues in the table.
  feeds: ['CONTENT_BUCKET', 'SITE_BUCKET', 'TEMPLATES_DIR', 'TABLE_NAME'],
  subscribe: ['CONTENT_BUCKET', 'TEMPLATES_DIR', 'TABLE_NAME', 'TOKEN_SECRET_PARAM', 'SES_CONFIGURATION_SET', 'MAX_SEND_RATE'],
  // SES_CONFIGURATION_SET, MAX_SEND_RATE: the welcome mail goes out when a request is confirmed.
  confirm: ['CONTENT_BUCKET', 'TEMPLATES_DIR', 'TABLE_NAME', 'TOKEN_SECRET_PARAM', 'SES_CONFIGURATION_SET', 'MAX_SEND_RATE'],
  // Also serves the preferences page.
  unsubscribe: ['CONTENT_BUCKET', 'TEMPLATES_DIR', 'TABLE_NAME', 'TOKEN_SECRET_PARAM'],
  // SITE_BUCKET: the planner writes the archive page and reads the site's manifest.
  'plan-issue': ['CONTENT_BUCKET', 'SITE_BUCKET', 'TEMPLATES_DIR', 'TABLE_NAME', 'TOKEN_SECRET_PARAM', 'QUEUE_URL'],
  // QUEUE_URL: to hold a paused batch back (ChangeMessageVisibility); the worker never sends to the queue.
  deliver: ['TABLE_NAME', 'QUEUE_URL', 'SES_CONFIGURATION_SET', 'MAX_SEND_RATE'],
  'ses-events': ['TABLE_NAME'],
  // The console's API: test sends and resent confirmations (SES), the issue due as it will look
  // (SITE_BUCKET: the site's manifest, as the planner reads it), and "send now" (PLAN_FUNCTION).
  admin: ['CONTENT_BUCKET', 'SITE_BUCKET', 'TEMPLATES_DIR', 'TABLE_NAME', 'TOKEN_SECRET_PARAM', 'SES_CONFIGURATION_SET', 'MAX_SEND_RATE', 'PLAN_FUNCTION'],
} as const satisfies Record<string, readonly Variable[]>;

export type FunctionName = keyof typeof FUNCTION_ENV;

/** The values one function's environment holds, typed. */
export type FunctionEnv<F extends FunctionName> = {
  readonly [V in (typeof FUNCTION_ENV)[F][number]]: z.infer<(typeof VARIABLES)[V]>;
};

/** Reads one function's environment, as its spec says; a missing or invalid variable fails with its name. */
export function readEnv<F extends FunctionName>(name: F, env: NodeJS.ProcessEnv = process.env): FunctionEnv<F> {
  const shape = Object.fromEntries(FUNCTION_ENV[name].map((variable: Variable) => [variable, VARIABLES[variable]]));
  return readVariables(shape, env) as FunctionEnv<F>;
}

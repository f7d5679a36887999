import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Node } from 'constructs';
import { envelopeSender } from '../functions/core/envelope.ts';
import { newslettersOf } from '../functions/core/newsletters/list.ts';
import { parseSettings, SETTINGS_FILE, type Settings } from '../functions/core/settings.ts';
import { normaliseEmail } from '../functions/core/subscribers/identity.ts';
import { PROJECT_ROOT } from '../functions/wiring/paths.ts';

/** Everything the stack is built from: the publication's settings and the deployment's context values. */
export interface StackConfig {
  /** `prod` keeps data when the stack is deleted (retain, deletion protection); any other stage does not. */
  stage: string;
  production: boolean;
  settings: Settings;
  contentDir: string;
  /** The SES identity mail is sent from: a verified domain (`news.example.com`) or address. */
  senderIdentity: string;
  /** Name of the SSM SecureString parameter that holds the token signing key. */
  tokenSecretParam: string;
  /** The account's SES maximum send rate (messages per second), shared by the delivery workers. */
  sesMaxSendRate: number;
  /** Delivery workers running at once (2 to 1000). */
  deliverConcurrency: number;
  /** Site rebuilds running at once; 0 leaves them unreserved (for accounts with the minimum concurrency quota). */
  feedsConcurrency: number;
  alarmEmail: string | undefined;
  /** The console's first operator, created in the user pool at deploy. */
  adminEmail: string | undefined;
  /** A custom domain for the site and API, with an ACM certificate for it in us-east-1. */
  domainName: string | undefined;
  certificateArn: string | undefined;
  /** A WAF web ACL (scope CLOUDFRONT, in us-east-1) in front of the distribution; none by default. */
  webAclArn: string | undefined;
  /** Countries (ISO 3166-1 alpha-2) the distribution serves; every country by default. */
  geoAllow: string[] | undefined;
  /** A domain of the publisher's own for SES's open and click redirects (used only when tracking is on). */
  trackingDomain: string | undefined;
  /** False builds placeholder code instead of bundling the handlers (fast synth for assertions). */
  bundle: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function text(node: Node, key: string): string | undefined {
  const raw: unknown = node.tryGetContext(key);
  if (raw === undefined || raw === null || raw === '') return undefined;
  return String(raw).trim();
}

function number(node: Node, key: string, fallback: number, min: number, max: number): number {
  const raw = text(node, key);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new ConfigError(`context ${key}: must be a number from ${min} to ${max}, got "${raw}"`);
  return n;
}

/** A comma-separated list of ISO 3166-1 alpha-2 country codes, such as `US,CA`. */
function countries(node: Node, key: string): string[] | undefined {
  const raw = text(node, key);
  if (raw === undefined) return undefined;
  const codes = raw.split(',').map((code) => code.trim().toUpperCase());
  const bad = codes.find((code) => !/^[A-Z]{2}$/.test(code));
  if (bad !== undefined) throw new ConfigError(`context ${key}: two-letter country codes separated by commas (such as US,CA), got "${bad}"`);
  return [...new Set(codes)];
}

/** Whether mail from `address` may be sent through SES `identity` (the address itself or its domain). */
export function identityCovers(identity: string, address: string): boolean {
  const id = identity.toLowerCase();
  return id.includes('@') ? id === address : address.endsWith(`@${id}`);
}

/** Reads the deployment's context (`-c key=value` or infra/cdk.json) and the publication's settings. */
export function readConfig(node: Node): StackConfig {
  const contentDir = resolve(PROJECT_ROOT, text(node, 'contentDir') ?? 'content');
  const settingsPath = join(contentDir, SETTINGS_FILE);
  let settingsText: string;
  try {
    settingsText = readFileSync(settingsPath, 'utf8');
  } catch (cause) {
    throw new ConfigError(`${settingsPath}: cannot be read`, { cause });
  }
  const settings = parseSettings(settingsText, settingsPath);
  let from: string;
  try {
    from = envelopeSender(settings.digest).toLowerCase();
  } catch (cause) {
    throw new ConfigError(`${settingsPath}: digest.from: ${(cause as Error).message}`, { cause });
  }
  const senderIdentity = (text(node, 'senderIdentity') ?? from.split('@')[1]!).toLowerCase();
  if (!identityCovers(senderIdentity, from)) {
    throw new ConfigError(`digest.from ${from} is not covered by the SES identity ${senderIdentity}: send from that domain or set -c senderIdentity=${from}`);
  }
  // A newsletter's own sender goes out through the same identity (and the same IAM condition).
  for (const newsletter of newslettersOf(settings)) {
    let address: string;
    try {
      address = envelopeSender(newsletter).toLowerCase();
    } catch (cause) {
      throw new ConfigError(`${settingsPath}: newsletters: ${newsletter.id}: from: ${(cause as Error).message}`, { cause });
    }
    if (!identityCovers(senderIdentity, address)) throw new ConfigError(`newsletter ${newsletter.id} sends from ${address}, which the SES identity ${senderIdentity} does not cover`);
  }
  const stage = text(node, 'stage') ?? 'dev';
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(stage)) throw new ConfigError(`context stage: lower-case letters, digits and dashes, got "${stage}"`);
  const domainName = text(node, 'domainName');
  const certificateArn = text(node, 'certificateArn');
  if ((domainName === undefined) !== (certificateArn === undefined)) {
    throw new ConfigError('context domainName and certificateArn go together (an ACM certificate in us-east-1 for the domain)');
  }
  const admin = text(node, 'adminEmail');
  const adminParsed = admin === undefined ? undefined : normaliseEmail(admin);
  if (adminParsed && !adminParsed.ok) throw new ConfigError(`context adminEmail: "${admin}": ${adminParsed.reason}`);
  const adminEmail = adminParsed?.ok ? adminParsed.email : undefined;
  const webAclArn = text(node, 'webAclArn');
  if (webAclArn !== undefined && !/^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]+\/[\w-]+$/.test(webAclArn)) {
    throw new ConfigError(`context webAclArn: a WAFv2 web ACL of scope CLOUDFRONT (arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>), got "${webAclArn}"`);
  }
  const trackingDomain = text(node, 'trackingDomain')?.toLowerCase();
  if (trackingDomain !== undefined && !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(trackingDomain)) {
    throw new ConfigError(`context trackingDomain: a domain name such as links.example.com, got "${trackingDomain}"`);
  }
  return {
    stage,
    production: stage === 'prod',
    settings,
    contentDir,
    senderIdentity,
    tokenSecretParam: text(node, 'tokenSecretParam') ?? `/newsletter/${stage}/token-secret`,
    sesMaxSendRate: number(node, 'sesMaxSendRate', 14, 1, 10_000),
    deliverConcurrency: number(node, 'deliverConcurrency', 2, 2, 1000),
    feedsConcurrency: number(node, 'feedsConcurrency', 1, 0, 1000),
    alarmEmail: text(node, 'alarmEmail'),
    adminEmail,
    domainName,
    certificateArn,
    webAclArn,
    geoAllow: countries(node, 'geoAllow'),
    trackingDomain,
    bundle: text(node, 'bundle') !== 'false',
  };
}

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SESClient } from '@aws-sdk/client-ses';

/** One message as the stand-in received it. */
export interface ReceivedMessage {
  raw: Buffer;
  source: string | undefined;
  destinations: string[];
  tags: Record<string, string>;
  messageId: string;
  at: number;
}

export interface StandInOptions {
  /** Maximum send rate enforced (token bucket, one second of burst); `Throttling` beyond it. */
  maxRate?: number;
  /** Every Nth SendRawEmail call answers `Throttling` regardless of rate. */
  throttleEvery?: number;
  /** Addresses refused with `MessageRejected`. */
  reject?: (address: string) => boolean;
  /** After this many accepted messages, answers "Daily message quota exceeded". */
  dailyQuota?: number;
  /** Latency added to each SendRawEmail, ms. */
  latencyMs?: number;
  /** Keep each message's raw bytes (default true; benchmarks turn it off). */
  keepRaw?: boolean;
}

/** What GET /stats answers: totals a benchmark in another process can read. */
export interface StandInStats {
  calls: number;
  throttled: number;
  messages: number;
  uniqueRecipients: number;
  firstAt: number | undefined;
  lastAt: number | undefined;
}

export interface SesStandIn {
  endpoint: string;
  messages: ReceivedMessage[];
  calls: number;
  throttled: number;
  options: StandInOptions;
  /**
   * Where SES's events go, as the configuration set publishes them (to SNS, then the SES-events
   * function): a Send and a Delivery event for each message accepted, after the answer to the call.
   */
  publish: ((event: Record<string, unknown>) => Promise<unknown>) | undefined;
  /** Resolves when every event published so far has been handled (and rejects if one failed). */
  settled(): Promise<void>;
  client(): SESClient;
  close(): Promise<void>;
}

const NS = 'http://ses.amazonaws.com/doc/2010-12-01/';
const errorXml = (code: string, message: string) =>
  `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r-${Date.now()}</RequestId></ErrorResponse>`;

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A small loopback SES (v1 query API: SendRawEmail, GetSendQuota) that can throttle, reject addresses
 * and run out of daily quota on demand, and publish SES's Send and Delivery events for what it accepted,
 * for tests and benchmarks the real emulator cannot drive.
 */
export async function startSesStandIn(options: StandInOptions = {}): Promise<SesStandIn> {
  const inFlight = new Set<Promise<unknown>>();
  const state: SesStandIn = {
    endpoint: '',
    messages: [],
    calls: 0,
    throttled: 0,
    options,
    publish: undefined,
    settled: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    client: () => new SESClient({ endpoint: state.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  let tokens = options.maxRate ?? 0;
  let refilled = performance.now();
  let counter = 0;
  const server: Server = createServer(async (req, res) => {
    if (req.method === 'GET' && req.url === '/stats') {
      const unique = new Set(state.messages.flatMap((m) => m.destinations)).size;
      const stats: StandInStats = {
        calls: state.calls,
        throttled: state.throttled,
        messages: state.messages.length,
        uniqueRecipients: unique,
        firstAt: state.messages[0]?.at,
        lastAt: state.messages.at(-1)?.at,
      };
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(stats));
    }
    const params = new URLSearchParams(await body(req));
    const action = params.get('Action');
    const reply = (status: number, xml: string) => {
      res.writeHead(status, { 'content-type': 'text/xml' });
      res.end(xml);
    };
    if (action === 'GetSendQuota') {
      return reply(200, `<GetSendQuotaResponse xmlns="${NS}"><GetSendQuotaResult><SentLast24Hours>${state.messages.length}</SentLast24Hours><Max24HourSend>${options.dailyQuota ?? 50000}</Max24HourSend><MaxSendRate>${options.maxRate ?? 14}</MaxSendRate></GetSendQuotaResult><ResponseMetadata><RequestId>q</RequestId></ResponseMetadata></GetSendQuotaResponse>`);
    }
    if (action !== 'SendRawEmail') return reply(400, errorXml('InvalidAction', `unsupported ${action}`));
    state.calls++;
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    if (options.throttleEvery && state.calls % options.throttleEvery === 0) {
      state.throttled++;
      return reply(400, errorXml('Throttling', 'Maximum sending rate exceeded.'));
    }
    if (options.maxRate) {
      const now = performance.now();
      tokens = Math.min(options.maxRate, tokens + ((now - refilled) / 1000) * options.maxRate);
      refilled = now;
      if (tokens < 1) {
        state.throttled++;
        return reply(400, errorXml('Throttling', 'Maximum sending rate exceeded.'));
      }
      tokens -= 1;
    }
    if (options.dailyQuota !== undefined && state.messages.length >= options.dailyQuota) {
      return reply(400, errorXml('Throttling', 'Daily message quota exceeded.'));
    }
    const destinations = [...params.entries()].filter(([k]) => k.startsWith('Destinations.member.')).map(([, v]) => v);
    if (destinations.some((d) => options.reject?.(d))) {
      return reply(400, errorXml('MessageRejected', `Email address is not valid: ${destinations.join(', ')}`));
    }
    const tags: Record<string, string> = {};
    for (let i = 1; params.has(`Tags.member.${i}.Name`); i++) tags[params.get(`Tags.member.${i}.Name`)!] = params.get(`Tags.member.${i}.Value`) ?? '';
    const messageId = `standin-${++counter}`;
    state.messages.push({
      raw: options.keepRaw === false ? Buffer.alloc(0) : Buffer.from(params.get('RawMessage.Data') ?? '', 'base64'),
      source: params.get('Source') ?? undefined,
      destinations,
      tags,
      messageId,
      at: performance.now(),
    });
    reply(200, `<SendRawEmailResponse xmlns="${NS}"><SendRawEmailResult><MessageId>${messageId}</MessageId></SendRawEmailResult><ResponseMetadata><RequestId>s</RequestId></ResponseMetadata></SendRawEmailResponse>`);
    const publish = state.publish;
    if (publish) {
      const timestamp = new Date().toISOString();
      const mail = { timestamp, messageId, source: params.get('Source'), destination: destinations, tags: Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, [v]])) };
      const events = (async () => {
        await publish({ eventType: 'Send', mail, send: {} });
        await publish({ eventType: 'Delivery', mail, delivery: { timestamp, recipients: destinations, processingTimeMillis: 1, smtpResponse: '250 2.0.0 OK' } });
      })();
      inFlight.add(events);
      void events.finally(() => inFlight.delete(events)).catch(() => undefined);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  state.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

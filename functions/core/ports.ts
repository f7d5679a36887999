import type { ContentFile } from './articles/types.ts';

/** Where content files (settings and articles) come from: a directory locally, a bucket on AWS. */
export interface ContentSource {
  /** Every file under the content root, paths relative to it with forward slashes. */
  list(): Promise<ContentFile[]>;
  /** One file, or undefined when it does not exist. */
  read(path: string): Promise<Uint8Array | undefined>;
}

/** Where the public site (feeds, pages) is written: a directory locally, a bucket on AWS. */
export interface SiteOutput {
  write(path: string, body: string | Uint8Array, contentType: string): Promise<void>;
}

/** Designer-editable templates by file name (e.g. `article.html`). */
export interface TemplateSource {
  load(name: string): Promise<string>;
}

/** Structured, one-line-per-event logging. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** One raw MIME message for one recipient. */
export interface OutgoingMessage {
  /** Envelope sender (bare address). */
  from: string;
  /** Envelope recipient (bare address). */
  to: string;
  /** The complete message: headers and body, CRLF line endings. */
  raw: Uint8Array;
  /** Labels the mail service carries into its events (SES message tags), e.g. issue and subscriber ids. */
  tags?: Record<string, string>;
}

/** Sends raw messages: SES SendRawEmail on AWS, an outbox directory locally. */
export interface Mailer {
  send(message: OutgoingMessage): Promise<{ messageId: string }>;
}

import { compileDigestMessage } from '../digest/message.ts';
import { envelopeSender } from '../envelope.ts';
import type { IssueContent } from '../issue/types.ts';
import type { Mailer } from '../ports.ts';
import type { Settings } from '../settings.ts';
import { subscriberId } from '../subscribers/identity.ts';
import { createToken } from '../tokens.ts';

/**
 * The only tags a test message carries. SES's events name a message's issue and subscriber through
 * its `issue` and `subscriber` tags, and the SES-events function counts nothing without them: a test
 * is never recorded as a delivery and never moves a figure.
 */
export const TEST_SEND_TAGS = { kind: 'test-send' } as const;

/** Marks a test's subject, so nobody takes it for the issue itself. */
export const testSubject = (subject: string) => `[Test] ${subject}`;

/**
 * Sends one issue's digest to one address as a test, through the real mailer: the subject marked,
 * a Message-ID of its own (a mail client must not take the real issue for a copy of the test), the
 * address's own unsubscribe link, and TEST_SEND_TAGS only. Nothing is stored.
 */
export async function sendTestMessage(input: {
  mailer: Mailer;
  settings: Settings;
  tokenKey: string | Uint8Array;
  listId: string;
  issueId: string;
  content: Pick<IssueContent, 'subject' | 'html' | 'text'>;
  to: string;
  now: Date;
}): Promise<{ messageId: string; subject: string }> {
  const subject = testSubject(input.content.subject);
  const stamp = input.now.getTime().toString(36);
  const compiled = compileDigestMessage({ ...input.content, subject }, input.settings, { issueId: `${input.issueId}.test-${stamp}` });
  const id = subscriberId(input.to);
  const raw = compiled.forRecipient({
    email: input.to,
    subscriberId: id,
    unsubscribeToken: createToken({ purpose: 'unsubscribe', subscriber: id, list: input.listId }, input.tokenKey),
    date: input.now,
  });
  const { messageId } = await input.mailer.send({ from: envelopeSender(input.settings.digest), to: input.to, raw, tags: { ...TEST_SEND_TAGS } });
  return { messageId, subject };
}

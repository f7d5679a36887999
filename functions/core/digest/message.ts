import { listHeader, phrase, simpleHeader } from '../mime/headers.ts';
import { compileMessage } from '../mime/message.ts';
import type { Settings } from '../settings.ts';
import { unsubscribeUrl } from '../urls.ts';
import type { IssueContent } from '../issue/types.ts';
import { DIGEST_PLACEHOLDERS } from './rendered.ts';

export interface DigestRecipient {
  /** The subscriber's normalised address. */
  email: string;
  /** The subscriber's id (subscribers/identity.ts); it makes the Message-ID. */
  subscriberId: string;
  /** An `unsubscribe` token made by tokens.ts for this subscriber and list. */
  unsubscribeToken: string;
  date?: Date;
}

export interface CompiledDigest {
  issueId: string;
  /** The bare sender address, for the envelope. */
  envelopeFrom: string;
  /** The complete raw message this subscriber receives. */
  forRecipient(recipient: DigestRecipient): Buffer;
}

const TOKEN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const SUBSCRIBER_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Compiles one issue's rendered digest into a message template: headers and bodies are encoded once;
 * each recipient costs their own headers (To, Date, Message-ID, List-Unsubscribe) and two values.
 * Message-IDs are `<issueId.subscriberId@domain>`, so a retried delivery carries the same id.
 */
export function compileDigestMessage(
  rendered: Pick<IssueContent, 'subject' | 'html' | 'text'>,
  settings: Settings,
  options: { issueId: string; messageIdDomain?: string },
): CompiledDigest {
  const digest = settings.digest;
  const { issueId } = options;
  const mailto = `mailto:${digest.unsubscribeMailto}?subject=unsubscribe`;
  const compiled = compileMessage(rendered, {
    from: digest.from,
    replyTo: digest.replyTo,
    messageIdDomain: options.messageIdDomain,
    placeholders: Object.values(DIGEST_PLACEHOLDERS),
    staticHeaders: [
      simpleHeader('List-Id', `${phrase(settings.title)} <${digest.listId}>`),
      simpleHeader('List-Unsubscribe-Post', 'List-Unsubscribe=One-Click'),
      simpleHeader('List-Archive', `<${settings.siteUrl}>`),
      simpleHeader('Precedence', 'bulk'),
    ],
  });
  return {
    issueId,
    envelopeFrom: compiled.envelopeFrom,
    forRecipient(recipient: DigestRecipient): Buffer {
      if (!TOKEN.test(recipient.unsubscribeToken)) throw new RangeError('the unsubscribe token is not a token made by tokens.ts');
      if (!SUBSCRIBER_ID.test(recipient.subscriberId)) throw new RangeError('the subscriber id has characters a Message-ID cannot carry');
      const url = unsubscribeUrl(digest.apiUrl, recipient.unsubscribeToken);
      return compiled.forRecipient({
        to: recipient.email,
        messageIdLocal: `${issueId}.${recipient.subscriberId}`,
        ...(recipient.date ? { date: recipient.date } : {}),
        headers: [listHeader('List-Unsubscribe', [`<${url}>`, `<${mailto}>`])],
        values: { [DIGEST_PLACEHOLDERS.unsubscribeUrl]: url, [DIGEST_PLACEHOLDERS.recipientEmail]: recipient.email },
      });
    },
  };
}

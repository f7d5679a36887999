import { listHeader, phrase, simpleHeader } from '../mime/headers.ts';
import { compileMessage } from '../mime/message.ts';
import { newslettersOf } from '../newsletters/list.ts';
import type { Settings } from '../settings.ts';
import { preferencesUrl, unsubscribeUrl } from '../urls.ts';
import type { IssueContent } from '../issue/types.ts';
import { DIGEST_PLACEHOLDERS } from './rendered.ts';

export interface DigestRecipient {
  /** The subscriber's normalised address. */
  email: string;
  /** The subscriber's id (subscribers/identity.ts); it makes the Message-ID. */
  subscriberId: string;
  /** An `unsubscribe` token made by tokens.ts for this subscriber and newsletter. */
  unsubscribeToken: string;
  /** A `preferences` token for this subscriber; absent (a batch planned before newsletters): the link goes to the unsubscribe page. */
  preferencesToken?: string | undefined;
  /** The subscriber's name: the greeting, and the display name in `To`. */
  name?: string | undefined;
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
 * each recipient costs their own headers (To, Date, Message-ID, List-Unsubscribe) and a few values.
 * Message-IDs are `<issueId.subscriberId@domain>`, so a retried delivery carries the same id. `settings`
 * are as the issue's newsletter sees them (settingsFor): its `List-Id` names the newsletter, and its
 * one-click link leaves that newsletter only.
 */
export function compileDigestMessage(
  rendered: Pick<IssueContent, 'subject' | 'html' | 'text'>,
  settings: Settings,
  options: { issueId: string; messageIdDomain?: string },
): CompiledDigest {
  const digest = settings.digest;
  const { issueId } = options;
  const mailto = `mailto:${digest.unsubscribeMailto}?subject=unsubscribe`;
  const listName = newslettersOf(settings).find((n) => n.listId === digest.listId)?.name ?? settings.title;
  const compiled = compileMessage(rendered, {
    from: digest.from,
    replyTo: digest.replyTo,
    messageIdDomain: options.messageIdDomain,
    placeholders: Object.values(DIGEST_PLACEHOLDERS),
    staticHeaders: [
      simpleHeader('List-Id', `${phrase(listName)} <${digest.listId}>`),
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
      if (recipient.preferencesToken !== undefined && !TOKEN.test(recipient.preferencesToken)) throw new RangeError('the preferences token is not a token made by tokens.ts');
      const url = unsubscribeUrl(digest.apiUrl, recipient.unsubscribeToken);
      const preferences = recipient.preferencesToken ? preferencesUrl(digest.apiUrl, recipient.preferencesToken) : url;
      return compiled.forRecipient({
        to: recipient.email,
        toName: recipient.name,
        messageIdLocal: `${issueId}.${recipient.subscriberId}`,
        ...(recipient.date ? { date: recipient.date } : {}),
        headers: [listHeader('List-Unsubscribe', [`<${url}>`, `<${mailto}>`])],
        values: {
          [DIGEST_PLACEHOLDERS.unsubscribeUrl]: url,
          [DIGEST_PLACEHOLDERS.recipientEmail]: recipient.email,
          [DIGEST_PLACEHOLDERS.preferencesUrl]: preferences,
          [DIGEST_PLACEHOLDERS.name]: recipient.name ?? digest.nameFallback,
        },
      });
    },
  };
}

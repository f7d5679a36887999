import { compileDigestMessage } from '../digest/message.ts';
import type { IssueRecord } from '../issue/types.ts';
import type { IssueMessages, MessageFactory } from './ports.ts';

/** Compiles an issue's stored digest into per-recipient raw messages (no rendering here). */
export class DigestMessageFactory implements MessageFactory {
  forIssue(issue: IssueRecord): IssueMessages {
    const compiled = compileDigestMessage(issue.content, issue.settings, { issueId: issue.id });
    return {
      forRecipient: (recipient, now) =>
        compiled.forRecipient({
          email: recipient.email,
          subscriberId: recipient.id,
          unsubscribeToken: recipient.unsubscribeToken,
          preferencesToken: recipient.preferencesToken,
          name: recipient.name,
          date: now,
        }),
    };
  }
}

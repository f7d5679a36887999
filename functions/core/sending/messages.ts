import { compileDigestMessage } from '../digest/message.ts';
import type { IssueMessages, MessageFactory } from './ports.ts';
import type { IssueRecord } from './types.ts';

/** Compiles an issue's stored digest into per-recipient raw messages (no rendering here). */
export class DigestMessageFactory implements MessageFactory {
  forIssue(issue: IssueRecord): IssueMessages {
    const compiled = compileDigestMessage(
      {
        issueId: issue.id,
        subject: issue.subject,
        html: issue.html,
        text: issue.text,
        preheader: '',
        articleCount: issue.articleIds.length,
        issueArticleCount: issue.articleIds.length,
        mode: issue.settings.digest.mode,
        htmlBytes: Buffer.byteLength(issue.html),
      },
      issue.settings,
      { issueId: issue.id },
    );
    return {
      forRecipient: (recipient, now) =>
        compiled.forRecipient({ email: recipient.email, subscriberId: recipient.id, unsubscribeToken: recipient.unsubscribeToken, date: now }),
    };
  }
}

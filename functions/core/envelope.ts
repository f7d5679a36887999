import { parseMailbox } from './mime/headers.ts';
import type { DigestSettings } from './settings.ts';

/**
 * The envelope sender of every mail the publication sends (SES's `Source`, the SMTP MAIL FROM): the
 * bare address of `digest.from`. The SES identity that sends must cover it.
 */
export function envelopeSender(digest: Pick<DigestSettings, 'from'>): string {
  return parseMailbox(digest.from).address;
}

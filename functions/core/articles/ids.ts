import { calendarDayProblem } from './dates.ts';

/**
 * Entry ids (Atom `id`, RSS `guid`, JSON Feed `id`) are permanent and compared as strings by readers,
 * so only two forms are published: a tag URI as RFC 4151 defines it, or an absolute http(s) URL.
 */
// RFC 4151: "tag:" authorityName "," date ":" specific ["#" fragment]; specific and fragment are
// RFC 3986 pchar, "/" and "?".
const DNS_NAME = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*';
const EMAIL = `[A-Za-z0-9._-]+@${DNS_NAME}`;
const PCHARS = "(?:[A-Za-z0-9\\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*";
const TAG_URI = new RegExp(`^tag:(${DNS_NAME}|${EMAIL}),(\\d{4})(?:-(\\d{2})(?:-(\\d{2}))?)?:${PCHARS}(?:#${PCHARS})?$`);

/** Why `id` cannot be published as an entry id, or undefined when it can. */
export function entryIdProblem(id: string): string | undefined {
  if (/^tag:/i.test(id)) {
    const m = TAG_URI.exec(id);
    if (!m) {
      return `${JSON.stringify(id)} is not a valid tag URI (RFC 4151): write tag:host.example,YYYY-MM-DD:name, with letters, digits and -._~ in the name`;
    }
    const year = Number(m[2]);
    const problem = m[3] ? calendarDayProblem(year, Number(m[3]), m[4] ? Number(m[4]) : 1) : undefined;
    if (problem) return `${JSON.stringify(id)} is not a valid tag URI: its date is not a real date (${problem})`;
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(id);
  } catch {
    return `${JSON.stringify(id)} is neither a tag URI (tag:host.example,YYYY-MM-DD:name) nor an absolute http(s) URL`;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !url.hostname) {
    return `${JSON.stringify(id)} is neither a tag URI (tag:host.example,YYYY-MM-DD:name) nor an absolute http(s) URL`;
  }
  // Published as written: only characters a URI may carry (RFC 3986), so no reader has to re-encode it.
  if (!/^[A-Za-z0-9\-._~!$&'()*+,;=:@/?#%[\]]+$/.test(id)) return `${JSON.stringify(id)} has characters a URL cannot carry: percent-encode them`;
  return undefined;
}

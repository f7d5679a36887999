/**
 * Quoted-printable (RFC 2045 §6.7) for message bodies. Hard line breaks become CRLF; encoded lines
 * stay within 76 characters. Text is encoded in pieces that can be joined with a soft line break
 * (`=\r\n`), so the static parts of a message are encoded once and per-recipient values alone.
 */
export const SOFT_BREAK = '=\r\n';

const MAX_LINE = 76;
const HEX = '0123456789ABCDEF';
const encoder = new TextEncoder();

function hex(byte: number): string {
  return `=${HEX[byte >> 4]}${HEX[byte & 15]}`;
}

function encodeLine(bytes: Uint8Array, start: number, end: number, out: string[]): void {
  let line = '';
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    let token: string;
    const last = i === end - 1;
    if (b === 0x20 || b === 0x09) token = last ? hex(b) : String.fromCharCode(b);
    // `.` and `From ` at a line start are encoded so no relay can mistake them for protocol.
    else if ((b === 0x2e || b === 0x46) && line.length === 0) token = hex(b);
    else if (b >= 33 && b <= 126 && b !== 0x3d) token = String.fromCharCode(b);
    else token = hex(b);
    if (line.length + token.length > MAX_LINE - 1 && !(last && line.length + token.length <= MAX_LINE)) {
      out.push(line, SOFT_BREAK);
      line = token.length === 1 && (b === 0x2e || b === 0x46) ? hex(b) : token;
    } else {
      line += token;
    }
  }
  out.push(line);
}

const PRINTABLE_WORD = /^[\x21-\x7e]*$/;

// The common per-recipient case (a URL, an address): printable ASCII without spaces or line breaks,
// cut into lines directly. Same output as the general path.
function encodeWord(text: string): string {
  const escaped = text.replaceAll('=', '=3D');
  const lines: string[] = [];
  let at = 0;
  while (at < escaped.length) {
    let line = '';
    if (escaped[at] === '.' || escaped[at] === 'F') line = hex(escaped.charCodeAt(at++));
    const rest = escaped.length - at;
    let take = Math.min(rest, (rest + line.length <= MAX_LINE ? MAX_LINE : MAX_LINE - 1) - line.length);
    if (take < rest) {
      if (escaped[at + take - 1] === '=') take -= 1;
      else if (escaped[at + take - 2] === '=') take -= 2;
    }
    lines.push(line + escaped.slice(at, at + take));
    at += take;
  }
  return lines.join(SOFT_BREAK);
}

/**
 * Encodes text (any line endings) as quoted-printable, starting at the beginning of an encoded line.
 * The result ends without a line break unless the text ends with one.
 */
export function encodeQuotedPrintable(text: string): string {
  if (PRINTABLE_WORD.test(text)) return encodeWord(text);
  const bytes = encoder.encode(text);
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0x0a) continue;
    const end = i > start && bytes[i - 1] === 0x0d ? i - 1 : i;
    encodeLine(bytes, start, end, out);
    if (i < bytes.length) out.push('\r\n');
    start = i + 1;
  }
  return out.join('');
}

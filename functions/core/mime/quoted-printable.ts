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

/**
 * Encodes text (any line endings) as quoted-printable, starting at the beginning of an encoded line.
 * The result ends without a line break unless the text ends with one.
 */
export function encodeQuotedPrintable(text: string): string {
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

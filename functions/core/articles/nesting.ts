import { Tokenizer } from 'htmlparser2';

/**
 * How deep article HTML may nest. HTML parsers and the digest's html-to-text walk elements
 * recursively or keep their open elements in arrays they shift, so depth must be bounded before any
 * of them sees the article: real articles nest a dozen levels, a hostile one a million.
 */
export const MAX_NESTING = 100;

const VOID = new Set(['area', 'base', 'basefont', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'img', 'input', 'isindex', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);

// A subset of the implied end tags htmlparser2 applies, so the count here is never below the depth it builds.
const P = new Set(['p']);
const IMPLIED_CLOSE = new Map<string, Set<string>>([
  ['tr', new Set(['tr', 'th', 'td'])],
  ['th', new Set(['th'])],
  ['td', new Set(['th', 'td'])],
  ['li', new Set(['li'])],
  ['option', new Set(['option'])],
  ['dd', new Set(['dd', 'dt'])],
  ['dt', new Set(['dd', 'dt'])],
  ['tbody', new Set(['thead', 'tbody'])],
  ['tfoot', new Set(['thead', 'tbody'])],
  ...['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'address', 'article', 'aside', 'blockquote', 'details', 'div', 'dl', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'header', 'main', 'nav', 'ol', 'pre', 'section', 'table', 'ul'].map((t) => [t, P] as [string, Set<string>]),
]);
const FOREIGN = new Set(['svg', 'math']);

/**
 * True when elements in `html` nest deeper than `max`. One pass over the text, linear in its length,
 * stopping at the first element past the limit.
 */
export function nestsDeeperThan(html: string, max = MAX_NESTING): boolean {
  const stack: string[] = [];
  let foreign = 0;
  let over = false;
  let name = '';
  const pop = () => {
    if (FOREIGN.has(stack.pop()!)) foreign--;
  };
  const tokenizer: Tokenizer = new Tokenizer(
    { xmlMode: false, decodeEntities: false },
    {
      onopentagname(start, end) {
        name = html.slice(start, end).toLowerCase();
        const closes = IMPLIED_CLOSE.get(name);
        while (closes && stack.length > 0 && closes.has(stack[stack.length - 1]!)) pop();
        if (VOID.has(name)) return;
        stack.push(name);
        if (FOREIGN.has(name)) foreign++;
        if (stack.length > max) {
          over = true;
          tokenizer.pause();
        }
      },
      onselfclosingtag() {
        if (foreign > 0 && stack[stack.length - 1] === name) pop();
      },
      onclosetag(start, end) {
        const closing = html.slice(start, end).toLowerCase();
        const at = stack.lastIndexOf(closing);
        if (at >= 0) while (stack.length > at) pop();
      },
      onopentagend() {},
      onattribdata() {},
      onattribentity() {},
      onattribend() {},
      onattribname() {},
      oncdata() {},
      oncomment() {},
      ondeclaration() {},
      onend() {},
      onprocessinginstruction() {},
      ontext() {},
      ontextentity() {},
    },
  );
  tokenizer.write(html);
  if (!over) tokenizer.end();
  return over;
}

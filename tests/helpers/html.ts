// Pages as a browser reads them: parsed with htmlparser2 (already a dependency), never matched as text.
import { DomUtils, parseDocument } from 'htmlparser2';
import type { Element } from 'domhandler';

export type { Element };

/** Every element of a page, in document order. */
export function elements(html: string): Element[] {
  return DomUtils.findAll(() => true, parseDocument(html, { decodeEntities: true }).children);
}

/** The elements with this tag name and, when given, these attribute values. */
export function select(html: string, tag: string, attributes: Record<string, string> = {}): Element[] {
  return elements(html).filter((el) => el.name === tag && Object.entries(attributes).every(([name, value]) => el.attribs[name] === value));
}

/** The `<meta>` tags of a page: property (Open Graph) or name → content. */
export function metaTags(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const el of select(html, 'meta')) {
    const key = el.attribs.property ?? el.attribs.name;
    if (key && el.attribs.content !== undefined) out[key] = el.attribs.content;
  }
  return out;
}

/** Every URL a page points to: `href` and `src` of any element (decoded as the browser reads them). */
export function pageLinks(html: string): { tag: string; attribute: 'href' | 'src' | 'action'; url: string }[] {
  const out: { tag: string; attribute: 'href' | 'src' | 'action'; url: string }[] = [];
  for (const el of elements(html)) {
    for (const attribute of ['href', 'src', 'action'] as const) {
      const url = el.attribs[attribute];
      if (url !== undefined) out.push({ tag: el.name, attribute, url });
    }
  }
  return out;
}

/** The elements with this tag name inside `el`. */
export function within(el: Element, tag: string): Element[] {
  return DomUtils.findAll((e) => e.name === tag, el.children);
}

export function text(el: Element): string {
  return DomUtils.textContent(el).replace(/\s+/g, ' ').trim();
}

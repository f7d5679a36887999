import { XMLBuilder } from 'fast-xml-parser';

// Characters XML 1.0 cannot carry even as references: C0 controls but tab, LF and CR, U+FFFE/U+FFFF
// and unpaired surrogates. Article fields are cleaned at parse time; this also covers the settings.
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text for XML element content. */
export function xmlText(text: string): string {
  return text.replace(NOT_XML, '').replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
}

/** Text for a double-quoted XML attribute value; tab, LF and CR as references so they survive normalisation. */
export function xmlAttribute(text: string): string {
  return text
    .replace(NOT_XML, '')
    .replace(/[&<>"\t\n\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' })[c]!);
}

/**
 * Plain text as HTML for a feed field that carries HTML (RSS `description`, Atom `type="html"`):
 * `&` and `<` escaped, so markup in the text is shown as text and never becomes live.
 */
export function plainTextAsHtml(text: string): string {
  return text.replace(/[&<]/g, (c) => (c === '&' ? '&amp;' : '&lt;'));
}

/** An XML element as the builder takes it: `@name` attributes, `#text` content, child elements by name. */
export type XmlNode = { [name: string]: XmlNode | XmlNode[] | string | string[] | undefined };

/**
 * Serialises one XML document with every text and attribute escaped exactly once, by `text` for
 * element content (xmlText unless a format needs another form) and xmlAttribute for attributes.
 */
export function buildXml(root: XmlNode, text: (element: string, value: string) => string = (_, v) => xmlText(v)): string {
  const builder = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    textNodeName: '#text',
    format: true,
    indentBy: '    ',
    suppressEmptyNode: true,
    processEntities: false,
    tagValueProcessor: (name: string, value: unknown) => text(name, String(value)),
    attributeValueProcessor: (_name: string, value: unknown) => xmlAttribute(String(value)),
  });
  return `<?xml version="1.0" encoding="utf-8"?>\n${builder.build(root) as string}`;
}

/**
 * A small, strict XML reader for annotation exchange files: elements, attributes, text, CDATA and
 * the predefined and numeric entities. Prolog, comments, processing instructions and a DOCTYPE
 * (without an internal subset) are skipped. It exists so the CVAT importer is a pure function that
 * runs the same in Node tests and in the browser (no DOMParser in Node). `escapeXml` is the one
 * thing a writer needs from XML's syntax.
 */
import { BaseError } from '@dipnet/protocol/base-error';
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function lineOf(src: string, pos: number): number {
  let n = 1;
  for (let i = 0; i < pos && i < src.length; i++) if (src.charCodeAt(i) === 10) n++;
  return n;
}

export class XmlError extends BaseError<'XML_INVALID'> {
  override readonly name = 'XmlError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('XML_INVALID', message, options);
  }
}

function decode(s: string, src: string, pos: number): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);|&/g, (m, e: string | undefined) => {
    if (!e) throw new XmlError(`XML line ${lineOf(src, pos)}: a bare "&" must be written &amp;`);
    if (e[0] === '#') {
      const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      if (!(cp > 0 && cp <= 0x10ffff)) throw new XmlError(`XML line ${lineOf(src, pos)}: bad character reference ${m}`);
      return String.fromCodePoint(cp);
    }
    const v = ENTITIES[e];
    if (v === undefined) throw new XmlError(`XML line ${lineOf(src, pos)}: unknown entity ${m}`);
    return v;
  });
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const ATTR = /\s*([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*("([^"]*)"|'([^']*)')/y;

/** Parses `src` and returns its root element; throws XmlError naming the line of the first problem. */
export function parseXml(src: string): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let pos = 0;
  const fail = (msg: string): never => { throw new XmlError(`XML line ${lineOf(src, pos)}: ${msg}`); };
  const skipTo = (end: string, what: string): void => {
    const j = src.indexOf(end, pos);
    if (j < 0) fail(`unterminated ${what}`);
    pos = j + end.length;
  };
  while (pos < src.length) {
    const lt = src.indexOf('<', pos);
    const textEnd = lt < 0 ? src.length : lt;
    if (textEnd > pos) {
      const text = src.slice(pos, textEnd);
      const top = stack[stack.length - 1];
      if (top) top.text += decode(text, src, pos);
      else if (text.trim()) fail('text outside the root element');
      pos = textEnd;
      continue;
    }
    if (src.startsWith('<!--', pos)) { skipTo('-->', 'comment'); continue; }
    if (src.startsWith('<?', pos)) { skipTo('?>', 'processing instruction'); continue; }
    if (src.startsWith('<![CDATA[', pos)) {
      const top = stack[stack.length - 1] ?? fail('CDATA outside the root element');
      const j = src.indexOf(']]>', pos);
      if (j < 0) fail('unterminated CDATA section');
      top.text += src.slice(pos + 9, j);
      pos = j + 3;
      continue;
    }
    if (src.startsWith('<!DOCTYPE', pos)) {
      if (src.indexOf('[', pos) >= 0 && src.indexOf('[', pos) < src.indexOf('>', pos)) fail('DOCTYPE internal subsets are not supported');
      skipTo('>', 'DOCTYPE');
      continue;
    }
    if (src.startsWith('</', pos)) {
      NAME.lastIndex = pos + 2;
      const m = NAME.exec(src) ?? fail('bad closing tag');
      const top = stack.pop();
      if (!top || top.name !== m[0]) fail(`</${m[0]}> does not close ${top ? `<${top.name}>` : 'any element'}`);
      pos = NAME.lastIndex;
      const gt = src.indexOf('>', pos);
      if (gt < 0 || src.slice(pos, gt).trim()) fail(`bad closing tag </${m[0]}>`);
      pos = gt + 1;
      continue;
    }
    NAME.lastIndex = pos + 1;
    const m = NAME.exec(src) ?? fail('expected an element name after "<"');
    const el: XmlElement = { name: m[0], attrs: {}, children: [], text: '' };
    pos = NAME.lastIndex;
    for (;;) {
      ATTR.lastIndex = pos;
      const a = ATTR.exec(src);
      if (!a) break;
      if (a[1]! in el.attrs) fail(`attribute ${a[1]} repeated on <${el.name}>`);
      el.attrs[a[1]!] = decode(a[3] ?? a[4] ?? '', src, pos);
      pos = ATTR.lastIndex;
    }
    while (/\s/.test(src[pos] ?? '')) pos++;
    const selfClosing = src.startsWith('/>', pos);
    if (!selfClosing && src[pos] !== '>') fail(`malformed tag <${el.name}>`);
    pos += selfClosing ? 2 : 1;
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else if (root) fail('a second root element');
    else root = el;
    if (!selfClosing) stack.push(el);
  }
  if (stack.length) throw new XmlError(`XML: <${stack[stack.length - 1]!.name}> is never closed`);
  if (!root) throw new XmlError('XML: no root element');
  return root;
}

export const child = (el: XmlElement, name: string): XmlElement | undefined => el.children.find((c) => c.name === name);

/** The first descendant named `name`, depth first. */
export function find(el: XmlElement, name: string): XmlElement | undefined {
  for (const c of el.children) {
    if (c.name === name) return c;
    const d = find(c, name);
    if (d) return d;
  }
  return undefined;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

/**
 * `text` as element text or an attribute value (either quote). Tabs and line breaks become
 * character references, which a reader keeps, where a literal one in an attribute is read as a space.
 */
export const escapeXml = (text: string): string => text.replace(/[&<>"'\t\n\r]/g, (c) => ESCAPES[c]!);

import { SaxesParser } from 'saxes';
import { MeterstackError } from '../../model/index.ts';

/**
 * A small element tree of an OpenADR payload (they are a few kB): local names, namespaces resolved,
 * text trimmed. saxes expands no DTD and fetches nothing (no XXE). Limits keep hostile input cheap.
 */
export interface XmlNode {
  readonly name: string;
  readonly uri: string;
  readonly line: number;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XmlNode[];
  text: string;
}

export const MAX_BYTES = 2 * 1024 * 1024;
export const MAX_DEPTH = 64;
export const MAX_ELEMENTS = 50_000;

export function parseXmlTree(xml: string, source: string): XmlNode {
  if (xml.length > MAX_BYTES) throw new MeterstackError('OPENADR_BAD_DOCUMENT', `document is larger than ${MAX_BYTES} characters`, { source });
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlNode[] = [];
  let root: XmlNode | undefined;
  let count = 0;
  parser.on('opentag', (tag) => {
    if (++count > MAX_ELEMENTS) throw new MeterstackError('OPENADR_BAD_DOCUMENT', `more than ${MAX_ELEMENTS} elements`, { line: parser.line, source });
    if (stack.length >= MAX_DEPTH) throw new MeterstackError('OPENADR_BAD_DOCUMENT', `elements nest deeper than ${MAX_DEPTH}`, { line: parser.line, source });
    const attrs: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const k in tag.attributes) {
      const a = tag.attributes[k]!;
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      attrs[a.local] = a.value;
    }
    const node: XmlNode = { name: tag.local, uri: tag.uri, line: parser.line, attrs, children: [], text: '' };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(node);
    else root = node;
    stack.push(node);
  });
  parser.on('closetag', () => {
    const n = stack.pop();
    if (n) n.text = n.text.trim();
  });
  const onText = (t: string): void => {
    const top = stack[stack.length - 1];
    if (top && top.text.length < 1_000_000) top.text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  try {
    parser.write(xml);
    parser.close();
  } catch (err) {
    if (err instanceof MeterstackError) throw err;
    const why = err instanceof Error ? err.message.replace(/^(?:[^:]*:)?\d+:\d+: /, '') : String(err);
    throw new MeterstackError('OPENADR_BAD_DOCUMENT', `not well-formed XML: ${why}`, { line: parser.line, source, cause: err });
  }
  if (!root) throw new MeterstackError('OPENADR_BAD_DOCUMENT', 'the document has no root element', { line: 1, source });
  return root;
}

/** The first child with this local name. */
export const child = (n: XmlNode | undefined, name: string): XmlNode | undefined => n?.children.find((c) => c.name === name);
export const children = (n: XmlNode | undefined, name: string): XmlNode[] => n?.children.filter((c) => c.name === name) ?? [];
/** Follows a path of local names (first match at each step). */
export function at(n: XmlNode | undefined, ...path: string[]): XmlNode | undefined {
  let cur = n;
  for (const p of path) cur = child(cur, p);
  return cur;
}
/** Depth-first: the first descendant (or self) with this local name. */
export function find(n: XmlNode, name: string): XmlNode | undefined {
  if (n.name === name) return n;
  for (const c of n.children) {
    const f = find(c, name);
    if (f) return f;
  }
  return undefined;
}

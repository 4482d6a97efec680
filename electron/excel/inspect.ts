/**
 * For tests: an .xlsx opened as its parts, and the checks that stand in for "Excel opens it without a repair prompt" on a
 * machine without Excel — well-formed XML, every part typed in [Content_Types].xml, every relationship resolving, worksheet
 * elements in the schema's order, no formulas, no non-finite numbers. Not used by the app.
 */
import JSZip from 'jszip';
import { SaxesParser } from 'saxes';

export interface XmlNode {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
  text: string;
}

/** Parses strictly (saxes, a conforming XML parser): throws on anything malformed. */
export function parseXml(xml: string): XmlNode {
  const parser = new SaxesParser();
  const root: XmlNode = { name: '#document', attributes: {}, children: [], text: '' };
  const stack: XmlNode[] = [root];
  let failure: Error | undefined;
  parser.on('error', (e) => {
    failure ??= e;
  });
  parser.on('opentag', (tag) => {
    const node: XmlNode = { name: tag.name, attributes: { ...tag.attributes }, children: [], text: '' };
    stack[stack.length - 1]!.children.push(node);
    stack.push(node);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.on('text', (t) => {
    stack[stack.length - 1]!.text += t;
  });
  parser.write(xml).close();
  if (failure) throw failure;
  const [top] = root.children;
  if (!top || root.children.length !== 1) throw new Error('not one root element');
  return top;
}

/** Every node below (and including) `node` with this name, in document order. */
export function findAll(node: XmlNode, name: string): XmlNode[] {
  const out: XmlNode[] = [];
  const visit = (n: XmlNode) => {
    if (n.name === name) out.push(n);
    n.children.forEach(visit);
  };
  visit(node);
  return out;
}

export interface XlsxPackage {
  /** entry names exactly as stored in the zip */
  names: string[];
  /** text of every entry */
  parts: Map<string, string>;
}

export async function openPackage(bytes: Uint8Array): Promise<XlsxPackage> {
  const zip = await JSZip.loadAsync(bytes);
  const names = Object.keys(zip.files).filter((n) => !zip.files[n]!.dir);
  const parts = new Map<string, string>();
  for (const n of names) parts.set(n, await zip.files[n]!.async('string'));
  return { names, parts };
}

function resolvePart(from: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const dir = from.includes('/') ? from.slice(0, from.lastIndexOf('/') + 1) : '';
  const segs: string[] = [];
  for (const s of (dir + target).split('/')) {
    if (s === '..') segs.pop();
    else if (s !== '.' && s !== '') segs.push(s);
  }
  return segs.join('/');
}

/** The part a .rels file describes: xl/worksheets/_rels/sheet1.xml.rels → xl/worksheets/sheet1.xml. */
function relsSource(relsName: string): string {
  return relsName.replace(/(^|\/)_rels\/([^/]*)\.rels$/, '$1$2');
}

/** CT_Worksheet's sequence (ECMA-376 Part 1, 18.3.1.99): Excel repairs a sheet whose elements are out of this order. */
const WORKSHEET_ORDER = [
  'sheetPr',
  'dimension',
  'sheetViews',
  'sheetFormatPr',
  'cols',
  'sheetData',
  'sheetCalcPr',
  'sheetProtection',
  'protectedRanges',
  'scenarios',
  'autoFilter',
  'sortState',
  'dataConsolidate',
  'customSheetViews',
  'mergeCells',
  'phoneticPr',
  'conditionalFormatting',
  'dataValidations',
  'hyperlinks',
  'printOptions',
  'pageMargins',
  'pageSetup',
  'headerFooter',
  'rowBreaks',
  'colBreaks',
  'customProperties',
  'cellWatches',
  'ignoredErrors',
  'smartTags',
  'drawing',
  'legacyDrawing',
  'legacyDrawingHF',
  'drawingHF',
  'picture',
  'oleObjects',
  'controls',
  'webPublishItems',
  'tableParts',
  'extLst',
];

/** What would make Excel complain about this package; empty when none. */
export function packageProblems(pkg: XlsxPackage): string[] {
  const problems: string[] = [];
  const trees = new Map<string, XmlNode>();
  for (const name of pkg.names) {
    if (name.startsWith('/')) problems.push(`entry name starts with "/": ${name}`);
    if (!/\.(xml|rels|vml)$/.test(name)) continue;
    try {
      trees.set(name, parseXml(pkg.parts.get(name)!));
    } catch (e) {
      problems.push(`${name}: not well-formed XML: ${(e as Error).message}`);
    }
  }
  const types = trees.get('[Content_Types].xml');
  if (!types) return [...problems, 'no [Content_Types].xml'];
  const defaults = new Set(findAll(types, 'Default').map((d) => d.attributes.Extension?.toLowerCase()));
  const overrides = new Set(findAll(types, 'Override').map((o) => o.attributes.PartName?.replace(/^\//, '')));
  for (const name of pkg.names) {
    if (name === '[Content_Types].xml') continue;
    const ext = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
    if (!overrides.has(name) && !defaults.has(ext)) problems.push(`no content type for ${name}`);
  }
  for (const part of overrides) if (part && !pkg.parts.has(part)) problems.push(`content type for missing ${part}`);

  for (const [name, tree] of trees) {
    if (!name.endsWith('.rels')) continue;
    const source = relsSource(name);
    for (const rel of findAll(tree, 'Relationship')) {
      if (rel.attributes.TargetMode === 'External') continue;
      const target = resolvePart(source, rel.attributes.Target ?? '');
      if (!pkg.parts.has(target)) problems.push(`${name}: ${rel.attributes.Id} points at missing ${target}`);
    }
  }
  for (const [name, tree] of trees) {
    if (!/^xl\/worksheets\/[^/]+\.xml$/.test(name)) continue;
    let last = -1;
    for (const child of tree.children) {
      const at = WORKSHEET_ORDER.indexOf(child.name);
      if (at < 0) problems.push(`${name}: unknown element ${child.name}`);
      else if (at <= last) problems.push(`${name}: ${child.name} out of order or repeated`);
      else last = at;
    }
    if (findAll(tree, 'f').length) problems.push(`${name}: has formulas`);
    for (const c of findAll(tree, 'c')) {
      const v = c.children.find((x) => x.name === 'v');
      const t = c.attributes.t;
      if (v && (t === undefined || t === 'n') && !Number.isFinite(Number(v.text))) {
        problems.push(`${name}: ${c.attributes.r} holds "${v.text}" as a number`);
      }
    }
    const legacy = tree.children.find((x) => x.name === 'legacyDrawing');
    if (legacy) {
      const rels = trees.get(name.replace(/([^/]+)$/, '_rels/$1.rels'));
      const id = legacy.attributes['r:id'];
      if (!rels || !findAll(rels, 'Relationship').some((r) => r.attributes.Id === id)) {
        problems.push(`${name}: legacyDrawing ${id} has no relationship`);
      }
    }
  }
  return problems;
}

/** Sheet name → its part (xl/worksheets/sheetN.xml), in tab order, with each sheet's state. */
export function sheetParts(pkg: XlsxPackage): { name: string; part: string; state: string }[] {
  const book = parseXml(pkg.parts.get('xl/workbook.xml')!);
  const rels = parseXml(pkg.parts.get('xl/_rels/workbook.xml.rels')!);
  const targets = new Map(findAll(rels, 'Relationship').map((r) => [r.attributes.Id, r.attributes.Target ?? '']));
  return findAll(book, 'sheet').map((s) => ({
    name: s.attributes.name ?? '',
    part: resolvePart('xl/workbook.xml', targets.get(s.attributes['r:id']) ?? ''),
    state: s.attributes.state ?? 'visible',
  }));
}

/**
 * Test fixtures for the reader: zip archives written and read by hand (independently of zip.ts, so that a bug there
 * cannot hide itself), workbooks made of hand-written parts, and OLE compound files (an old .xls, a password-protected
 * workbook). Used by tests only.
 */
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

export interface ZipFile {
  name: string;
  data: Buffer | string;
  /** 0 stored, 8 deflated (default) */
  method?: 0 | 8;
}

/** A plain zip archive of the files, in the order given (sizes in the local headers, no data descriptors). */
export function makeZip(files: ZipFile[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const raw = typeof f.data === 'string' ? Buffer.from(f.data, 'utf8') : f.data;
    const method = f.method ?? 8;
    const data = method === 8 ? deflateRawSync(raw) : raw;
    const name = Buffer.from(f.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc32(raw), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc32(raw), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** Where each member's central directory record is, with its fields (to tamper with in tests). */
export function centralRecords(zip: Buffer): { name: string; at: number; localOffset: number }[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const out: { name: string; at: number; localOffset: number }[] = [];
  for (let i = 0; i < count; i++) {
    const nameLength = zip.readUInt16LE(at + 28);
    out.push({ name: zip.toString('utf8', at + 46, at + 46 + nameLength), at, localOffset: zip.readUInt32LE(at + 42) });
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return out;
}

/** The members of a zip, in archive order (directories left out). */
export function unzip(zip: Buffer): ZipFile[] {
  return centralRecords(zip)
    .filter((r) => !r.name.endsWith('/'))
    .map((r) => {
      const method = zip.readUInt16LE(r.at + 10);
      const compressed = zip.readUInt32LE(r.at + 20);
      const local = r.localOffset;
      const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(dataAt, dataAt + compressed);
      return { name: r.name, data: method === 8 ? inflateRawSync(data) : Buffer.from(data) };
    });
}

/** A workbook's parts, edited and zipped again (to reorder, rename or patch what exceljs wrote). */
export function rezip(xlsx: Buffer, edit: (files: ZipFile[]) => ZipFile[]): Buffer {
  return makeZip(edit(unzip(xlsx)));
}
export const textOf = (f: ZipFile | undefined): string =>
  f === undefined ? '' : typeof f.data === 'string' ? f.data : f.data.toString('utf8');

const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/**
 * A workbook from hand-written parts: sheet XML bodies (inside <worksheet>, or a whole document when it starts with
 * "<?xml"), optional shared strings and styles; sheets are stored under the part names given (default sheetN.xml).
 */
export function handXlsx(opts: {
  sheets: { name: string; xml: string; part?: string; state?: string }[];
  sharedStrings?: string[];
  styles?: string;
  workbookPr?: string;
  order?: (files: ZipFile[]) => ZipFile[];
}): Buffer {
  const parts = opts.sheets.map((s, i) => s.part ?? `worksheets/sheet${i + 1}.xml`);
  const rels = [
    ...parts.map((p, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="${p}"/>`),
    opts.sharedStrings ? `<Relationship Id="rIdS" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>` : '',
    opts.styles ? `<Relationship Id="rIdT" Type="${REL}/styles" Target="styles.xml"/>` : '',
  ].join('');
  const files: ZipFile[] = [
    {
      name: '[Content_Types].xml',
      data:
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '</Types>',
    },
    {
      name: '_rels/.rels',
      data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    },
    {
      name: 'xl/workbook.xml',
      data:
        `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${NS}" xmlns:r="${REL}">${opts.workbookPr ?? ''}<sheets>` +
        opts.sheets
          .map(
            (s, i) =>
              `<sheet name="${s.name.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}" sheetId="${i + 1}"${s.state ? ` state="${s.state}"` : ''} r:id="rId${i + 1}"/>`,
          )
          .join('') +
        '</sheets></workbook>',
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels}</Relationships>`,
    },
    ...opts.sheets.map((s, i) => ({
      name: `xl/${parts[i]!.replace(/^\/xl\//, '')}`,
      data: s.xml.startsWith('<?xml')
        ? s.xml
        : `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${NS}" xmlns:r="${REL}">${s.xml}</worksheet>`,
    })),
  ];
  if (opts.sharedStrings)
    files.push({
      name: 'xl/sharedStrings.xml',
      data: `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${NS}">${opts.sharedStrings.map((s) => `<si>${s}</si>`).join('')}</sst>`,
    });
  if (opts.styles) files.push({ name: 'xl/styles.xml', data: opts.styles });
  return makeZip(opts.order ? opts.order(files) : files);
}

// ---------- OLE compound files ----------

const ENDOFCHAIN = 0xfffffffe;
const FREESECT = 0xffffffff;

function dirEntry(name: string, type: number, opts: { child?: number; right?: number; start?: number; size?: number }) {
  const e = Buffer.alloc(128);
  e.write(name, 0, 'utf16le');
  e.writeUInt16LE((name.length + 1) * 2, 0x40);
  e[0x42] = type;
  e[0x43] = 1; // black
  e.writeUInt32LE(FREESECT, 0x44); // left sibling
  e.writeUInt32LE(opts.right ?? FREESECT, 0x48);
  e.writeUInt32LE(opts.child ?? FREESECT, 0x4c);
  e.writeUInt32LE(opts.start ?? ENDOFCHAIN, 0x74);
  e.writeUInt32LE(opts.size ?? 0, 0x78);
  return e;
}

/**
 * A minimal version-3 OLE compound file (512-byte sectors: header, one FAT sector, one directory sector, data) holding
 * the named streams of 4 KiB each — "Workbook" for an old .xls, "EncryptionInfo" and "EncryptedPackage" for a
 * password-protected .xlsx, as Office writes them.
 */
export function oleFile(streams: string[]): Buffer {
  const SECTOR = 512;
  const streamSectors = 8; // 4 KiB: at the mini-stream cutoff, so kept in regular sectors
  const header = Buffer.alloc(SECTOR);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header, 0);
  header.writeUInt16LE(0x3e, 0x18);
  header.writeUInt16LE(3, 0x1a);
  header.writeUInt16LE(0xfffe, 0x1c);
  header.writeUInt16LE(9, 0x1e);
  header.writeUInt16LE(6, 0x20);
  header.writeUInt32LE(1, 0x2c); // one FAT sector
  header.writeUInt32LE(1, 0x30); // the directory at sector 1
  header.writeUInt32LE(4096, 0x38);
  header.writeUInt32LE(ENDOFCHAIN, 0x3c);
  header.writeUInt32LE(ENDOFCHAIN, 0x44);
  for (let i = 0; i < 109; i++) header.writeUInt32LE(i === 0 ? 0 : FREESECT, 0x4c + i * 4);

  const fat = Buffer.alloc(SECTOR, 0xff);
  fat.writeUInt32LE(0xfffffffd, 0); // sector 0: the FAT itself
  fat.writeUInt32LE(ENDOFCHAIN, 4); // sector 1: the directory
  const dir = Buffer.alloc(SECTOR, 0);
  // the root's children as a chain of right siblings (a valid, if unbalanced, red-black tree when all are black)
  dirEntry('Root Entry', 5, { child: streams.length ? 1 : FREESECT }).copy(dir, 0);
  const data: Buffer[] = [];
  streams.forEach((name, i) => {
    const start = 2 + i * streamSectors;
    for (let s = 0; s < streamSectors; s++)
      fat.writeUInt32LE(s === streamSectors - 1 ? ENDOFCHAIN : start + s + 1, (start + s) * 4);
    dirEntry(name, 2, { start, size: streamSectors * SECTOR, right: i + 1 < streams.length ? i + 2 : FREESECT }).copy(
      dir,
      (i + 1) * 128,
    );
    data.push(Buffer.alloc(streamSectors * SECTOR, 0x5a));
  });
  return Buffer.concat([header, fat, dir, ...data]);
}

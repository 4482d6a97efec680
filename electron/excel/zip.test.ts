/**
 * The byte checks before any parsing, on real bytes: workbooks written by exceljs, zips and OLE files written by hand
 * (testing-files.ts), each bad file refused with its exact key on the `file` field.
 */
import { deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors';
import { centralRecords, makeZip, oleFile, unzip } from './testing-files';
import {
  DEFAULT_XLSX_LIMITS,
  INFLATE_CHUNK,
  RATIO_FLOOR_BYTES,
  inflateSmall,
  readZip,
  verifyEntry,
  withLimits,
  zipStream,
  type ZipEntry,
} from './zip';

const limits = withLimits();

/** The field error a call throws (sync or async), or fails the test. */
async function refusal(f: () => unknown): Promise<AppError['error']> {
  let thrown: unknown = null;
  try {
    await f();
  } catch (err) {
    thrown = err;
  }
  expect(thrown, 'it should have been refused').toBeInstanceOf(AppError);
  const { error } = thrown as AppError;
  expect(error).toMatchObject({ code: 'validation', field: 'file' });
  return error;
}
const keyOf = async (f: () => unknown) => (await refusal(f)).messageKey;

/** every member inflated and checked, as openXlsx does */
async function checkAll(bytes: Buffer, l = limits): Promise<ZipEntry[]> {
  const entries = readZip(bytes, l);
  for (const e of entries) await verifyEntry(bytes, e);
  return entries;
}

async function exceljsWorkbook(rows = 50): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Data');
  for (let r = 0; r < rows; r++) ws.addRow([`subject ${r}`, r, new Date(Date.UTC(2024, 0, 1 + r))]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('what a file that is not a zip is', () => {
  it('an empty file', async () => {
    expect(await keyOf(() => readZip(Buffer.alloc(0), limits))).toBe('excel.emptyFile');
  });

  it('an old .xls (an OLE compound file) and a password-protected workbook (OLE holding "EncryptedPackage")', async () => {
    expect(await keyOf(() => readZip(oleFile(['Workbook', 'SummaryInformation']), limits))).toBe('excel.oldXls');
    // the bare header the issue describes: D0CF11E0A1B11AE1 and padding
    const bare = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(4096)]);
    expect(await keyOf(() => readZip(bare, limits))).toBe('excel.oldXls');
    const encrypted = oleFile(['EncryptionInfo', 'EncryptedPackage']);
    expect(await keyOf(() => readZip(encrypted, limits))).toBe('excel.encrypted');
    // the name inside a stream's data (not a directory entry) does not make a workbook encrypted
    const xls = oleFile(['Workbook']);
    Buffer.from('EncryptedPackage', 'utf16le').copy(xls, xls.length - 1000);
    expect(await keyOf(() => readZip(xls, limits))).toBe('excel.oldXls');
  });

  it('a CSV or tab-separated text renamed .xlsx: UTF-8, GBK, UTF-16 with BOM', async () => {
    expect(await keyOf(() => readZip(Buffer.from('subject,site,date\nS001,01,2024-03-05\n'), limits))).toBe(
      'excel.csv',
    );
    const gbk = Buffer.from([0xca, 0xdc, 0xca, 0xd4, 0xd5, 0xdf, 0x2c, 0xd6, 0xd0, 0xd0, 0xc4, 0x0d, 0x0a, 0x53, 0x30]);
    expect(await keyOf(() => readZip(gbk, limits))).toBe('excel.csv');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('受试者\t中心\r\nS001\t01\r\n', 'utf16le')]);
    expect(await keyOf(() => readZip(utf16, limits))).toBe('excel.csv');
    // LibreClinica's "Excel" export: tab-separated text named .xls
    expect(await keyOf(() => readZip(Buffer.from('StudySubjectID\tStatus\nSS_001\tavailable\n'), limits))).toBe(
      'excel.csv',
    );
  });

  it('anything else: plain text, HTML saved as .xls, a PDF, an empty zip', async () => {
    expect(await keyOf(() => readZip(Buffer.from('This is not a workbook.\n'), limits))).toBe('excel.notXlsx');
    expect(await keyOf(() => readZip(Buffer.from('<html><body><table><tr><td>1</td></tr></table>'), limits))).toBe(
      'excel.notXlsx',
    );
    expect(await keyOf(() => readZip(Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj', 'latin1'), limits))).toBe(
      'excel.notXlsx',
    );
    expect(await keyOf(() => readZip(makeZip([]), limits))).toBe('excel.notXlsx');
  });
});

describe('a damaged or truncated archive', () => {
  it('cut anywhere: no end record, or members beyond the end', async () => {
    const bytes = await exceljsWorkbook(2000);
    for (const cut of [0.1, 0.5, 0.9, 0.99, 0.999]) {
      const short = bytes.subarray(0, Math.floor(bytes.length * cut));
      expect(await keyOf(() => checkAll(short)), `cut at ${cut}`).toBe('excel.damaged');
    }
    expect(await keyOf(() => checkAll(bytes.subarray(0, bytes.length - 1)))).toBe('excel.damaged');
    await expect(checkAll(bytes)).resolves.toHaveLength(centralRecords(bytes).length);
  });

  it('scrambled deflate data, a wrong CRC, a wrong recorded size, an unknown method, a bad signature', async () => {
    const bytes = await exceljsWorkbook(2000);
    const sheet = centralRecords(bytes).find((r) => r.name === 'xl/worksheets/sheet1.xml')!;
    const dataAt = sheet.localOffset + 30 + bytes.readUInt16LE(sheet.localOffset + 26);
    const tamper = (f: (b: Buffer) => void) => {
      const copy = Buffer.from(bytes);
      f(copy);
      return copy;
    };
    const scrambled = tamper((b) => {
      for (let i = dataAt + 500; i < dataAt + 900; i++) b[i] = (b[i]! * 7 + 13) & 0xff;
    });
    expect(await keyOf(() => checkAll(scrambled))).toBe('excel.damaged');
    expect(
      await keyOf(() =>
        checkAll(tamper((b) => b.writeUInt32LE((b.readUInt32LE(sheet.at + 16) ^ 1) >>> 0, sheet.at + 16))),
      ),
    ).toBe('excel.damaged');
    expect(
      await keyOf(() => checkAll(tamper((b) => b.writeUInt32LE(b.readUInt32LE(sheet.at + 24) - 1, sheet.at + 24)))),
    ).toBe('excel.damaged');
    expect(await keyOf(() => checkAll(tamper((b) => b.writeUInt16LE(12, sheet.at + 10))))).toBe('excel.damaged'); // bzip2
    expect(await keyOf(() => checkAll(tamper((b) => b.writeUInt32LE(0, sheet.localOffset))))).toBe('excel.damaged');
    expect(await keyOf(() => checkAll(tamper((b) => b.writeUInt32LE(0, sheet.at))))).toBe('excel.damaged');
  });

  it('members overlapping (the "overlapping files" zip bomb), and two members of one name', async () => {
    const zip = makeZip([
      { name: 'a.xml', data: '<a/>'.repeat(100) },
      { name: 'b.xml', data: '<b/>'.repeat(100) },
    ]);
    const [, b] = centralRecords(zip);
    const overlapping = Buffer.from(zip);
    overlapping.writeUInt32LE(0, b!.at + 42); // b's record points at a's local header
    // b now also names a's data: same CRC and sizes as a
    zip.copy(overlapping, b!.at + 16, centralRecords(zip)[0]!.at + 16, centralRecords(zip)[0]!.at + 28);
    expect(await keyOf(() => readZip(overlapping, limits))).toBe('excel.damaged');
    const twice = makeZip([
      { name: 'xl/workbook.xml', data: '<a/>' },
      { name: 'XL/Workbook.xml', data: '<b/>' },
    ]);
    expect(await keyOf(() => readZip(twice, limits))).toBe('excel.damaged');
  });
});

describe('limits, checked from the central directory before anything is inflated', () => {
  it('the defaults', () => {
    expect(DEFAULT_XLSX_LIMITS).toEqual({
      maxFileBytes: 100 * 1024 * 1024,
      maxEntries: 10_000,
      maxInflatedBytes: 1024 * 1024 * 1024,
      maxRatio: 200,
      maxRows: 200_000,
      maxColumns: 1_000,
    });
    expect(() => {
      (DEFAULT_XLSX_LIMITS as { maxRows: number }).maxRows = 1;
    }).toThrow();
  });

  it('file size, number of members, total inflated size', async () => {
    const bytes = await exceljsWorkbook();
    expect(await refusal(() => readZip(bytes, withLimits({ maxFileBytes: 1024 })))).toMatchObject({
      messageKey: 'excel.tooLarge',
      params: { max: '0 MB' },
    });
    const many = makeZip(Array.from({ length: 11 }, (_, i) => ({ name: `f${i}.xml`, data: '<x/>' })));
    expect(await refusal(() => readZip(many, withLimits({ maxEntries: 10 })))).toEqual({
      code: 'validation',
      field: 'file',
      messageKey: 'excel.tooManyEntries',
      params: { count: 11, max: 10 },
      fields: [{ field: 'file', messageKey: 'excel.tooManyEntries', params: { count: 11, max: 10 } }],
    });
    expect(await refusal(() => readZip(bytes, withLimits({ maxInflatedBytes: 10_000 })))).toMatchObject({
      messageKey: 'excel.tooLargeUnpacked',
    });
  });

  it('a zip bomb: one member of zeros inflating far beyond its ratio, refused without inflating it', async () => {
    const zeros = Buffer.alloc(20 * 1024 * 1024);
    const bomb = makeZip([{ name: 'xl/worksheets/sheet1.xml', data: zeros }]);
    expect(bomb.length).toBeLessThan(100 * 1024);
    const rssBefore = process.memoryUsage().rss;
    const t0 = performance.now();
    const error = await refusal(() => readZip(bomb, limits));
    expect(performance.now() - t0).toBeLessThan(50);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(20 * 1024 * 1024);
    expect(error.messageKey).toBe('excel.zipBomb');
    expect(error.params!.max).toBe(200);
    expect(error.params!.ratio).toBeGreaterThan(1000);
    // with the ratio allowed, a member that inflates beyond what it declares is stopped at its declared size
    const lying = Buffer.from(bomb);
    const [rec] = centralRecords(lying);
    lying.writeUInt32LE(1000, rec!.at + 24);
    const entries = readZip(lying, limits);
    let seen = 0;
    expect(await keyOf(() => verifyEntry(lying, entries[0]!, (c) => (seen += c.length)))).toBe('excel.damaged');
    expect(seen).toBeLessThanOrEqual(1000);
  });

  it('small members are not held to the ratio (a tiny repetitive part compresses very well)', async () => {
    const styles = Buffer.from('<xf numFmtId="0"/>'.repeat(Math.floor(RATIO_FLOOR_BYTES / 18)));
    const zip = makeZip([{ name: 'xl/styles.xml', data: styles }]);
    const [e] = readZip(zip, limits);
    expect(e!.size / e!.compressedSize).toBeGreaterThan(200);
    await expect(verifyEntry(zip, e!)).resolves.toBeUndefined();
  });
});

describe('inflating: streaming, flat memory', () => {
  it('verifies a member in chunks of at most INFLATE_CHUNK whose bytes are the member', async () => {
    const big = Buffer.from(Array.from({ length: 400_000 }, (_, i) => `<row r="${i + 1}"/>`).join(''));
    const zip = makeZip([
      { name: 'a.xml', data: big },
      { name: 'b.xml', data: 'stored', method: 0 },
    ]);
    const [a, b] = readZip(zip, limits);
    const chunks: Buffer[] = [];
    await verifyEntry(zip, a!, (c) => chunks.push(Buffer.from(c)));
    expect(chunks.length).toBeGreaterThan(10);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(INFLATE_CHUNK);
    expect(Buffer.concat(chunks).equals(big)).toBe(true);
    expect(inflateSmall(zip, b!).toString()).toBe('stored');
  });

  it('a zip stream of chosen members, renamed and reordered, holds the same bytes', async () => {
    const zip = makeZip([
      { name: 'one.xml', data: '<one/>'.repeat(1000) },
      { name: 'two.xml', data: 'two', method: 0 },
    ]);
    const [one, two] = readZip(zip, limits);
    const chunks: Buffer[] = [];
    for await (const c of zipStream(zip, [
      { name: 'first.xml', entry: two! },
      { name: 'made.xml', content: Buffer.from('<made/>') },
      { name: 'dir/second.xml', entry: one! },
    ]))
      chunks.push(c as Buffer);
    const out = Buffer.concat(chunks);
    expect(unzip(out).map((f) => [f.name, f.data.toString()])).toEqual([
      ['first.xml', 'two'],
      ['made.xml', '<made/>'],
      ['dir/second.xml', '<one/>'.repeat(1000)],
    ]);
    // the compressed bytes were not recompressed: the same deflate data is in the new archive
    expect(out.includes(zip.subarray(one!.dataOffset, one!.dataOffset + one!.compressedSize))).toBe(true);
    await expect(checkAll(out)).resolves.toHaveLength(3);
  });
});

describe('zip64 records (some writers use them for small files too)', () => {
  it('reads sizes and offsets from the zip64 end record and extra fields', async () => {
    const plain = makeZip([{ name: 'a.xml', data: '<a>zip64</a>'.repeat(50) }]);
    const [rec] = centralRecords(plain);
    const cdAt = rec!.at;
    const localHeaderAndData = plain.subarray(0, cdAt);
    // the central record with sizes and offset moved into a zip64 extra field
    const name = Buffer.from('a.xml');
    const extra = Buffer.alloc(4 + 24);
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(24, 2);
    extra.writeBigUInt64LE(BigInt(plain.readUInt32LE(cdAt + 24)), 4);
    extra.writeBigUInt64LE(BigInt(plain.readUInt32LE(cdAt + 20)), 12);
    extra.writeBigUInt64LE(0n, 20);
    const central = Buffer.from(plain.subarray(cdAt, cdAt + 46));
    central.writeUInt32LE(0xffffffff, 20);
    central.writeUInt32LE(0xffffffff, 24);
    central.writeUInt32LE(0xffffffff, 42);
    central.writeUInt16LE(extra.length, 30);
    const cd = Buffer.concat([central, name, extra]);
    const end64 = Buffer.alloc(56);
    end64.writeUInt32LE(0x06064b50, 0);
    end64.writeBigUInt64LE(44n, 4);
    end64.writeBigUInt64LE(1n, 24);
    end64.writeBigUInt64LE(1n, 32);
    end64.writeBigUInt64LE(BigInt(cd.length), 40);
    end64.writeBigUInt64LE(BigInt(cdAt), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(cdAt + cd.length), 8);
    locator.writeUInt32LE(1, 16);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(0xffff, 8);
    end.writeUInt16LE(0xffff, 10);
    end.writeUInt32LE(0xffffffff, 12);
    end.writeUInt32LE(0xffffffff, 16);
    const zip64 = Buffer.concat([localHeaderAndData, cd, end64, locator, end]);
    const entries = await checkAll(zip64);
    expect(entries).toMatchObject([{ name: 'a.xml', localOffset: 0, size: '<a>zip64</a>'.length * 50 }]);
    expect(inflateSmall(zip64, entries[0]!).toString()).toBe('<a>zip64</a>'.repeat(50));
  });
});

it('a deflated member is what zlib makes of it (the fixtures are real zips)', () => {
  const data = Buffer.from('hello '.repeat(100));
  const zip = makeZip([{ name: 'h.txt', data }]);
  const [e] = readZip(zip, limits);
  expect(zip.subarray(e!.dataOffset, e!.dataOffset + e!.compressedSize).equals(deflateRawSync(data))).toBe(true);
});

/**
 * The bytes of an .xlsx checked BEFORE anything parses them: what the file is when it is not a zip (an old .xls, a
 * password-protected workbook, a CSV renamed, an empty file), the zip's central directory (whole, within the limits,
 * no overlapping members — the zip-bomb tricks), and every member inflated once, streaming, against its recorded size
 * and CRC-32 (exceljs's unzipper, given damaged deflate data, reports the error on a stream nobody awaits and the read
 * never ends). Every refusal is a field error on `file` with an `excel.*` message key.
 *
 * It also builds the zip stream exceljs reads (`zipStream`): chosen members, renamed, in the order given, as the same
 * compressed bytes (no recompression), with clean local headers (sizes known, no data descriptors).
 */
import { Readable } from 'node:stream';
import { createInflateRaw, crc32, inflateRawSync } from 'node:zlib';
import { AppError, fieldError } from '../core/errors';

export interface XlsxLimits {
  /** the file itself */
  maxFileBytes: number;
  /** members of the zip */
  maxEntries: number;
  /** what all members together declare they inflate to */
  maxInflatedBytes: number;
  /** inflated ÷ compressed size of one member (checked for members above RATIO_FLOOR_BYTES) */
  maxRatio: number;
  /** the highest row number a sheet may use (from its dimension, its row count, then while streaming) */
  maxRows: number;
  /** the highest column a sheet may use */
  maxColumns: number;
}

/**
 * A workbook of 100,000 rows × 12 columns written by exceljs is 8.4 MB, its sheet inflates 6× (47 MB), all its members
 * to 52 MB: these leave a wide margin above it and stop what no import needs (Excel itself stops at 1,048,576 rows and
 * 16,384 columns).
 */
export const DEFAULT_XLSX_LIMITS: Readonly<XlsxLimits> = Object.freeze({
  maxFileBytes: 100 * 1024 * 1024,
  maxEntries: 10_000,
  maxInflatedBytes: 1024 * 1024 * 1024,
  maxRatio: 200,
  maxRows: 200_000,
  maxColumns: 1_000,
});

/**
 * Members smaller than this are not held to the ratio: a tiny repetitive part (styles, an empty sheet) compresses far
 * beyond any sheet of data, and all of them together are bounded by maxInflatedBytes anyway.
 */
export const RATIO_FLOOR_BYTES = 1024 * 1024;
/** what one inflate step yields (zlib's default is 16 KiB: larger steps mean fewer callbacks on a 50 MB sheet) */
export const INFLATE_CHUNK = 256 * 1024;

export const withLimits = (limits?: Partial<XlsxLimits>): XlsxLimits => ({ ...DEFAULT_XLSX_LIMITS, ...limits });

export const refuseFile = (key: string, params?: Record<string, string | number>): AppError =>
  fieldError('validation', 'file', key, params);

const mb = (n: number): string => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;

export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  /** where the compressed bytes start (after the local header) */
  dataOffset: number;
}

// ---------- what a file that is not a zip is ----------

const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const ZIP_LOCAL = 0x04034b50;
const ZIP_CENTRAL = 0x02014b50;
const ZIP_END = 0x06054b50;
const ZIP64_END = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
/** "EncryptedPackage" as an OLE directory entry names it: UTF-16LE */
const ENCRYPTED_PACKAGE = Buffer.from('EncryptedPackage', 'utf16le');

/**
 * Whether an OLE compound file holds a stream named "EncryptedPackage": Office keeps a password-protected .xlsx so.
 * Directory entries are 128 bytes at sector boundaries (sectors are 512 or 4096 bytes after a 512-byte header), so a
 * real entry starts at a multiple of 128, has the name length 34 (16 UTF-16 characters and the terminator) and type 2.
 */
function oleHasEncryptedPackage(bytes: Buffer): boolean {
  for (let at = bytes.indexOf(ENCRYPTED_PACKAGE); at >= 0; at = bytes.indexOf(ENCRYPTED_PACKAGE, at + 1)) {
    if (at % 128 === 0 && at + 128 <= bytes.length && bytes.readUInt16LE(at + 0x40) === 34 && bytes[at + 0x42] === 2)
      return true;
  }
  return false;
}

/** Text, as a CSV is: no NUL or other control bytes but tab/CR/LF in its first 4 KiB (UTF-16 with a BOM counts too). */
function looksLikeCsv(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 4096);
  let text: string;
  const even = (b: Buffer) => b.subarray(0, b.length - (b.length % 2));
  if (head[0] === 0xff && head[1] === 0xfe) text = even(head.subarray(2)).toString('utf16le');
  else if (head[0] === 0xfe && head[1] === 0xff)
    text = Buffer.from(even(head.subarray(2)))
      .swap16()
      .toString('utf16le');
  else text = head.toString('latin1'); // GBK or UTF-8 alike: only ASCII separators matter here
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
  }
  const firstLine = text.split(/\r\n|\r|\n/, 1)[0] ?? '';
  return /[,;\t]/.test(firstLine);
}

/** The refusal for bytes that are not a zip archive. */
function notAZip(bytes: Buffer): AppError {
  if (bytes.subarray(0, 8).equals(OLE_MAGIC))
    return oleHasEncryptedPackage(bytes) ? refuseFile('excel.encrypted') : refuseFile('excel.oldXls');
  if (looksLikeCsv(bytes)) return refuseFile('excel.csv');
  return refuseFile('excel.notXlsx');
}

// ---------- the central directory ----------

const damaged = (): AppError => refuseFile('excel.damaged');

/** The zip64 end record's counts, when the classic record says "see zip64". */
function zip64End(bytes: Buffer, end: number): { entries: number; cdSize: number; cdOffset: number } {
  const locator = end - 20;
  if (locator < 0 || bytes.readUInt32LE(locator) !== ZIP64_LOCATOR) throw damaged();
  const at = Number(bytes.readBigUInt64LE(locator + 8));
  if (at + 56 > locator || bytes.readUInt32LE(at) !== ZIP64_END) throw damaged();
  return {
    entries: Number(bytes.readBigUInt64LE(at + 32)),
    cdSize: Number(bytes.readBigUInt64LE(at + 40)),
    cdOffset: Number(bytes.readBigUInt64LE(at + 48)),
  };
}

/** The sizes and offset a zip64 "extended information" extra field holds for the fields marked 0xFFFFFFFF. */
function zip64Extra(
  extra: Buffer,
  want: { size: boolean; compressed: boolean; offset: boolean },
): { size?: number; compressed?: number; offset?: number } {
  for (let at = 0; at + 4 <= extra.length;) {
    const id = extra.readUInt16LE(at);
    const len = extra.readUInt16LE(at + 2);
    if (id === 0x0001) {
      const out: { size?: number; compressed?: number; offset?: number } = {};
      let p = at + 4;
      const next = (): number => {
        if (p + 8 > at + 4 + len) throw damaged();
        const v = Number(extra.readBigUInt64LE(p));
        p += 8;
        return v;
      };
      if (want.size) out.size = next();
      if (want.compressed) out.compressed = next();
      if (want.offset) out.offset = next();
      return out;
    }
    at += 4 + len;
  }
  throw damaged();
}

/**
 * The zip's members from its central directory, each checked against the limits and its local header. Throws the
 * field error naming the problem.
 */
export function readZip(bytes: Buffer, limits: XlsxLimits): ZipEntry[] {
  if (bytes.length === 0) throw refuseFile('excel.emptyFile');
  if (bytes.length > limits.maxFileBytes)
    throw refuseFile('excel.tooLarge', { size: mb(bytes.length), max: mb(limits.maxFileBytes) });
  if (bytes.length < 4 || bytes.readUInt32LE(0) !== ZIP_LOCAL) {
    // an empty zip (just the end record) is a zip, but no workbook
    if (bytes.length >= 4 && bytes.readUInt32LE(0) === ZIP_END) throw refuseFile('excel.notXlsx');
    throw notAZip(bytes);
  }

  // the end-of-central-directory record: 22 bytes + a comment of at most 64 KiB, the last one found
  const from = Math.max(0, bytes.length - 22 - 0xffff);
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < from || end + 22 > bytes.length) throw damaged();
  if (bytes.readUInt16LE(end + 4) !== 0 || bytes.readUInt16LE(end + 6) !== 0) throw damaged(); // split archives
  let entries = bytes.readUInt16LE(end + 10);
  let cdSize = bytes.readUInt32LE(end + 12);
  let cdOffset = bytes.readUInt32LE(end + 16);
  if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff)
    ({ entries, cdSize, cdOffset } = zip64End(bytes, end));
  if (entries > limits.maxEntries) throw refuseFile('excel.tooManyEntries', { count: entries, max: limits.maxEntries });
  if (cdOffset + cdSize > end) throw damaged();

  const list: ZipEntry[] = [];
  const names = new Set<string>();
  let inflated = 0;
  let at = cdOffset;
  for (let i = 0; i < entries; i++) {
    if (at + 46 > end || bytes.readUInt32LE(at) !== ZIP_CENTRAL) throw damaged();
    const flags = bytes.readUInt16LE(at + 8);
    const method = bytes.readUInt16LE(at + 10);
    const crc = bytes.readUInt32LE(at + 16);
    let compressedSize = bytes.readUInt32LE(at + 20);
    let size = bytes.readUInt32LE(at + 24);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    let localOffset = bytes.readUInt32LE(at + 42);
    const next = at + 46 + nameLength + extraLength + commentLength;
    if (next > end) throw damaged();
    const name = bytes.toString(flags & 0x800 ? 'utf8' : 'latin1', at + 46, at + 46 + nameLength);
    if (size === 0xffffffff || compressedSize === 0xffffffff || localOffset === 0xffffffff) {
      const wide = zip64Extra(bytes.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength), {
        size: size === 0xffffffff,
        compressed: compressedSize === 0xffffffff,
        offset: localOffset === 0xffffffff,
      });
      size = wide.size ?? size;
      compressedSize = wide.compressed ?? compressedSize;
      localOffset = wide.offset ?? localOffset;
    }
    at = next;

    if (flags & 0x1) throw refuseFile('excel.encrypted'); // zip-level encryption: no Office tool writes it
    if (method !== 0 && method !== 8) throw damaged();
    if (method === 0 && size !== compressedSize) throw damaged();
    inflated += size;
    if (inflated > limits.maxInflatedBytes)
      throw refuseFile('excel.tooLargeUnpacked', { max: mb(limits.maxInflatedBytes) });
    if (size > RATIO_FLOOR_BYTES && size / Math.max(compressedSize, 1) > limits.maxRatio)
      throw refuseFile('excel.zipBomb', {
        ratio: Math.round(size / Math.max(compressedSize, 1)),
        max: limits.maxRatio,
      });
    // one part under two names (OPC part names are case-insensitive) is ambiguous: which one would a reader take?
    const key = name.toLowerCase();
    if (names.has(key)) throw damaged();
    names.add(key);

    if (localOffset + 30 > cdOffset || bytes.readUInt32LE(localOffset) !== ZIP_LOCAL) throw damaged();
    const dataOffset = localOffset + 30 + bytes.readUInt16LE(localOffset + 26) + bytes.readUInt16LE(localOffset + 28);
    if (dataOffset + compressedSize > cdOffset) throw damaged();
    list.push({ name, method, crc, compressedSize, size, localOffset, dataOffset });
  }
  // members sharing bytes are the "overlapping files" zip bomb (and never written by an honest zip tool)
  const byOffset = [...list].sort((a, b) => a.localOffset - b.localOffset);
  for (let i = 1; i < byOffset.length; i++) {
    const prev = byOffset[i - 1]!;
    if (prev.dataOffset + prev.compressedSize > byOffset[i]!.localOffset) throw damaged();
  }
  return list;
}

/** A member's compressed bytes. */
const dataOf = (bytes: Buffer, e: ZipEntry): Buffer => bytes.subarray(e.dataOffset, e.dataOffset + e.compressedSize);

/** A small member (a workbook's XML other than its sheets and strings) inflated at once, checked. */
export function inflateSmall(bytes: Buffer, e: ZipEntry): Buffer {
  let out: Buffer;
  try {
    out =
      e.method === 0 ? dataOf(bytes, e) : inflateRawSync(dataOf(bytes, e), { maxOutputLength: Math.max(e.size, 1) });
  } catch {
    throw damaged();
  }
  if (out.length !== e.size || crc32(out) !== e.crc) throw damaged();
  return out;
}

/**
 * Inflates one member streaming (INFLATE_CHUNK at a time: memory stays flat on a 100 MB sheet), checking its size as it goes
 * and its CRC-32 at the end; `onChunk` sees each inflated chunk in order. Rejects with excel.damaged.
 */
export function verifyEntry(bytes: Buffer, e: ZipEntry, onChunk?: (chunk: Buffer) => void): Promise<void> {
  const data = dataOf(bytes, e);
  if (e.method === 0) {
    if (crc32(data) !== e.crc) return Promise.reject(damaged());
    onChunk?.(data);
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    const inflater = createInflateRaw({ chunkSize: INFLATE_CHUNK });
    let crc = 0;
    let size = 0;
    let failed = false;
    const fail = (err: unknown): void => {
      if (failed) return;
      failed = true;
      inflater.destroy();
      reject(err instanceof AppError ? err : damaged());
    };
    inflater.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      // more than it declared: stop now (the declared sizes are what the limits were checked against)
      if (size > e.size) return fail(damaged());
      crc = crc32(chunk, crc);
      try {
        onChunk?.(chunk);
      } catch (err) {
        fail(err);
      }
    });
    inflater.on('error', () => fail(damaged()));
    inflater.on('end', () => {
      if (failed) return;
      if (size !== e.size || crc !== e.crc) fail(damaged());
      else resolve();
    });
    inflater.end(data);
  });
}

// ---------- the stream exceljs reads ----------

/**
 * A member of the stream: a slice of the original archive (under a name of our choosing), bytes of our own, or a
 * stream of our own (stored, with a data descriptor after it: its size is known only at its end).
 */
export type StreamPart =
  { name: string; entry: ZipEntry } | { name: string; content: Buffer } | { name: string; stream: () => Readable };

/** A member's inflated bytes as a stream (INFLATE_CHUNK at a time). Only for members verifyEntry has checked. */
export function entryStream(bytes: Buffer, e: ZipEntry): Readable {
  const data = Readable.from([dataOf(bytes, e)]);
  return e.method === 0 ? data : data.pipe(createInflateRaw({ chunkSize: INFLATE_CHUNK }));
}

function localHeader(name: Buffer, method: number, crc: number, compressed: number, size: number, later = false) {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(ZIP_LOCAL, 0);
  h.writeUInt16LE(20, 4); // version needed
  h.writeUInt16LE(later ? 0x808 : 0x800, 6); // UTF-8 names; sizes here, or in a data descriptor after the data
  h.writeUInt16LE(method, 8);
  h.writeUInt32LE(0x00210000, 10); // 1980-01-01 00:00
  h.writeUInt32LE(crc, 14);
  h.writeUInt32LE(compressed, 18);
  h.writeUInt32LE(size, 22);
  h.writeUInt16LE(name.length, 26);
  return h;
}

function centralHeader(name: Buffer, method: number, crc: number, compressed: number, size: number, at: number) {
  const h = Buffer.alloc(46);
  h.writeUInt32LE(ZIP_CENTRAL, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(20, 6);
  h.writeUInt16LE(0x800, 8);
  h.writeUInt16LE(method, 10);
  h.writeUInt32LE(0x00210000, 12);
  h.writeUInt32LE(crc, 16);
  h.writeUInt32LE(compressed, 20);
  h.writeUInt32LE(size, 24);
  h.writeUInt16LE(name.length, 28);
  h.writeUInt32LE(at, 42);
  return h;
}

/**
 * A zip stream of the given parts in the given order: each member's compressed bytes sliced from `bytes` (not copied,
 * not recompressed) behind a fresh local header, then a central directory. Names are the caller's: exceljs only knows
 * parts by their usual names (xl/worksheets/sheetN.xml …).
 */
export function zipStream(bytes: Buffer, parts: StreamPart[]): Readable {
  return Readable.from(zipChunks(bytes, parts), { objectMode: false });
}

async function* zipChunks(bytes: Buffer, parts: StreamPart[]): AsyncGenerator<Buffer> {
  const central: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name, 'utf8');
    if ('stream' in part) {
      const header = localHeader(name, 0, 0, 0, 0, true);
      yield header;
      yield name;
      let crc = 0;
      let size = 0;
      for await (const chunk of part.stream()) {
        const b = chunk as Buffer;
        crc = crc32(b, crc);
        size += b.length;
        yield b;
      }
      const descriptor = Buffer.alloc(16);
      descriptor.writeUInt32LE(0x08074b50, 0);
      descriptor.writeUInt32LE(crc, 4);
      descriptor.writeUInt32LE(size, 8);
      descriptor.writeUInt32LE(size, 12);
      yield descriptor;
      central.push(centralHeader(name, 0, crc, size, size, offset), name);
      offset += header.length + name.length + size + descriptor.length;
      continue;
    }
    const [method, crc, compressed, size, data] =
      'entry' in part
        ? [part.entry.method, part.entry.crc, part.entry.compressedSize, part.entry.size, dataOf(bytes, part.entry)]
        : [0, crc32(part.content), part.content.length, part.content.length, part.content];
    const header = localHeader(name, method, crc, compressed, size);
    central.push(centralHeader(name, method, crc, compressed, size, offset), name);
    yield header;
    yield name;
    yield data;
    offset += header.length + name.length + data.length;
  }
  const cdSize = central.reduce((n, b) => n + b.length, 0);
  const endRecord = Buffer.alloc(22);
  endRecord.writeUInt32LE(ZIP_END, 0);
  endRecord.writeUInt16LE(parts.length, 8);
  endRecord.writeUInt16LE(parts.length, 10);
  endRecord.writeUInt32LE(cdSize, 12);
  endRecord.writeUInt32LE(offset, 16);
  yield* central;
  yield endRecord;
}

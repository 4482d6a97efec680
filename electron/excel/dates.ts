/**
 * Dates and instants out of imported cells, in every form DOMAIN.md "Dates in the wild" lists: date cells (calendar
 * parts), Excel serial numbers (1900 system with Lotus's leap-year bug, 1904 system) and text — ISO 8601 (with or without
 * a time part), 2024/3/5, 2024.3.5, 2024年3月5日, 05-Mar-2024, 5 Mar 2024, 05MAR2024 (SAS), Mar 5, 2024, 20240305,
 * partial 2024-03 / 2024年3月 / 2024, full-width digits.
 *
 * Decisions (what a data manager expects of a validated import):
 * - Day/month order is never guessed. The whole numeric family with the year last (03/05/2024, 13/05/2024, 3-5-24,
 *   05.03.2024) is refused until the column mapping says 'dmy' or 'mdy' — even where only one reading is a real date —
 *   so that a column is read by one rule or not at all, never half by inference.
 * - Two-digit years are refused unless the mapping gives a pivot: "3/5/24" could be a birth in 1924 or a visit in 2024,
 *   and Excel's own pivot (00–29 → 20xx) silently moves a 1925 birth to 2025.
 * - Years outside 1900–2100 are refused: nothing a trial site records lies there, and it catches typos (2204, 0224).
 * - A number cell holding a whole number 1900–2100 is a year someone typed, not serial 1900 (1905-03-14): a date-typed
 *   1905 cell would be a date cell, not a number. An eight-digit whole number is a typed YYYYMMDD (20240305). Other
 *   numbers are serials; the fraction of a serial is the time of day.
 * - An empty cell (or blank text) is refused with validation.required: callers check optional columns before parsing.
 *
 * Nothing here goes through the local time zone: calendar arithmetic is on day numbers, instants are built in UTC from
 * the parts and the site's offset. Hot path (every date cell of a 100,000-row import): regexes are compiled once, the
 * common forms take a short path, and results are allocated only once per cell.
 */
import { cellDisplay, type Cell } from './cell';

export interface DateOptions {
  /** 'YYYY-MM' and 'YYYY' (SDTM's partial dates) are accepted; otherwise refused with excel.partialDate. */
  allowPartial?: boolean;
  /** the workbook uses the 1904 date system (old Mac Excel): serial 0 is 1904-01-01 and there is no 1900 leap bug */
  date1904?: boolean;
  /** how to read 03/05/2024, 05.03.2024, 3-5-24 (the column mapping's setting); unset → that whole family is refused */
  dayMonthOrder?: 'dmy' | 'mdy';
  /**
   * Two-digit years: yy < pivot → 20yy, else 19yy (Excel's own pivot is 30; 100 reads every yy as 20yy, right for visit
   * dates). Unset → refused with excel.twoDigitYear.
   */
  twoDigitYearPivot?: number;
}

export interface DateTimeOptions extends Omit<DateOptions, 'allowPartial'> {
  /** the site's offset from UTC in minutes (+480 for Asia/Shanghai): the zone of a cell or text that names none */
  utcOffsetMinutes: number;
}

/** Why a cell was refused: a message key under msg.* and its params (always `value`, the cell as the user sees it). */
export interface Refusal {
  ok: false;
  key: string;
  params: Record<string, string | number>;
}

export type DatePrecision = 'day' | 'month' | 'year';
export type DateResult = { ok: true; value: string; precision: DatePrecision } | Refusal;
/** `value` is a UTC instant (2024-03-05T06:30:00.000Z); `hasTime` false when the cell gave a date only (midnight). */
export type DateTimeResult = { ok: true; value: string; hasTime: boolean } | Refusal;

export const MIN_YEAR = 1900;
export const MAX_YEAR = 2100;

const DAY_MS = 86_400_000;
/** serial of 1970-01-01 in the 1900 system (and 1462 less in the 1904 system) */
const SERIAL_EPOCH_1900 = 25_569;
const SERIAL_EPOCH_1904 = SERIAL_EPOCH_1900 - 1_462;
/** serial of 2101-01-01 in the 1900 system: the first one past MAX_YEAR */
const SERIAL_END_1900 = 73_416;

// ---------- calendar arithmetic on day numbers (days since 1970-01-01), no Date and no zone ----------

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysInMonth = (y: number, m: number): number => (m === 2 && isLeap(y) ? 29 : (DAYS_IN_MONTH[m] ?? 0));
const validDay = (y: number, m: number, d: number): boolean => m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function dayNumberOf(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

// The parts of the cell being read. One set for the module: parsing is synchronous, and it saves an object per cell.
let Y = 0;
let M = 0;
let D = 0;
let PRECISION: DatePrecision = 'day';
let HAS_TIME = false;
let HOUR = 0;
let MINUTE = 0;
let SECOND = 0;
let MILLI = 0;
/** minutes east of UTC written in the text, NaN when it names no zone */
let ZONE = NaN;

/** Sets Y/M/D from a day number (H. Hinnant's civil_from_days). */
function setCivil(days: number): void {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1_460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  D = doy - Math.floor((153 * mp + 2) / 5) + 1;
  M = mp < 10 ? mp + 3 : mp - 9;
  Y = yoe + era * 400 + (M <= 2 ? 1 : 0);
}

const PAD2 = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : String(i)));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** Date#toISOString for years 1000–9999, without the Date (it costs about a microsecond a call). Moves Y/M/D. */
function isoInstant(ms: number): string {
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  setCivil(days);
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const sec = Math.floor(rest / 1_000);
  return `${Y}-${PAD2[M]}-${PAD2[D]}T${PAD2[h]}:${PAD2[m]}:${PAD2[sec]}.${PAD3[rest - sec * 1_000]}Z`;
}

const formatDate = (): string =>
  PRECISION === 'day' ? `${Y}-${PAD2[M]}-${PAD2[D]}` : PRECISION === 'month' ? `${Y}-${PAD2[M]}` : String(Y);

// ---------- refusals ----------

function refuse(cell: Cell, key: string, extra?: Record<string, string | number>): Refusal {
  return { ok: false, key, params: { value: cellDisplay(cell), ...extra } };
}

const REQUIRED = 'validation.required';
const NOT_A_DATE = 'excel.notADate';

/** The refusal every parser gives a cell that holds no value of its own: blank, an error value, an uncached formula. */
export function refuseNonValue(cell: Cell): Refusal | null {
  switch (cell.kind) {
    case 'empty':
      return refuse(cell, REQUIRED);
    case 'text':
      return cell.text.trim() === '' ? refuse(cell, REQUIRED) : null;
    case 'error':
      return refuse(cell, 'excel.errorValue');
    case 'formula':
      return refuse(cell, 'excel.formulaWithoutResult');
    default:
      return null;
  }
}

// ---------- text ----------

/** Full-width ASCII (ＡＢＣ１２３／：) and the ideographic space, as Chinese input methods type them. */
const WIDE = /[\uFF01-\uFF5E\u3000]/;
const WIDE_ALL = /[\uFF01-\uFF5E\u3000]/g;
const narrowChar = (c: string): string => (c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0));
/** Full-width → half-width ASCII; the string itself when there is none (no allocation on the common path). */
export const narrow = (s: string): string => (WIDE.test(s) ? s.replace(WIDE_ALL, narrowChar) : s);

/** where a time part may begin: its first : or 时 (no time part without one) */
const TIME_HINT = /[:时時点點]/;
// 14:30 · 14:30:15 · 14:30:15.250 · 14:30Z · 14:30+08:00 · 2:30 PM, matched from where the hours start
const WESTERN_TIME =
  /(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:\s*([AaPp])\.?[Mm]\.?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/y;
// 14时30分 · 14时30分15秒 · 14点30 · 14时
const CHINESE_TIME = /(\d{1,2})\s*[时時点點](?:\s*(\d{1,2})\s*分?(?:\s*(\d{1,2})\s*秒)?)?$/y;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isLetter = (c: number): boolean => (c | 32) >= 97 && (c | 32) <= 122;
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0 || c === 0x3000;

/** The number written by `n` ASCII digits of `s` from `from`; -1 when one is not a digit. No allocation. */
function digitsAt(s: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    v = v * 10 + c - 48;
  }
  return v;
}

/** SAS's DATETIME puts a colon between the date and the time (05MAR2024:14:30:00): a letter and 4 digits before it */
const isSasColon = (s: string, at: number): boolean =>
  at >= 5 && s.charCodeAt(at) === 58 && isLetter(s.charCodeAt(at - 5)) && digitsAt(s, at - 4, 4) >= 0;

const YEAR_FIRST = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$/;
const YEAR_MONTH = /^(\d{4})[-/.](\d{1,2})$/;
const YEAR_ONLY = /^\d{4}$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const CHINESE = /^(\d{4})\s*年(?:\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号]?)?)?$/;
/** 03/05/2024 · 3-5-24 · 05.03.2024: day/month order unknown */
const NUMERIC_YEAR_LAST = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})$/;
/** 05-Mar-2024 · 5 Mar 2024 · 05MAR2024 · 5 March 24 */
const DAY_NAME_YEAR = /^(\d{1,2})[-\s/.]*([A-Za-z]{3,9})\.?[-\s/.,]*(\d{4}|\d{2})$/;
/** Mar 5, 2024 · March 5th 2024 */
const NAME_DAY_YEAR = /^([A-Za-z]{3,9})\.?\s*(\d{1,2})(?:st|nd|rd|th)?,?\s*(\d{4}|\d{2})$/;
/** Mar 2024 · MAR2024 (SAS MONYY) */
const NAME_YEAR = /^([A-Za-z]{3,9})\.?[-\s]*(\d{4})$/;

const MONTH_NAMES = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
/** 1–12, or 0 when the word is not an English month name (three letters, "Sept", or the full name) */
function monthOfName(word: string): number {
  const w = word.toLowerCase();
  for (let i = 0; i < 12; i++) {
    const full = MONTH_NAMES[i]!;
    if (w === full || (w.length === 3 && full.startsWith(w)) || (i === 8 && w === 'sept')) return i + 1;
  }
  return 0;
}

/** A year as written: four digits, or two expanded by the pivot. -1 when two digits and no pivot. */
function fullYear(digits: string, opts: DateOptions): number {
  const y = +digits;
  if (digits.length === 4) return y;
  const pivot = opts.twoDigitYearPivot;
  if (pivot === undefined) return -1;
  return y < pivot ? 2000 + y : 1900 + y;
}

/**
 * Reads a time part off the end of `s` into HOUR…ZONE. Returns where the date part ends, s.length when there is no time
 * part, or -1 when the time is malformed (25:00, 13 PM). The split is found by hand rather than by an unanchored regex:
 * that scan cost microseconds a cell.
 */
function readTimeTail(s: string): number {
  HAS_TIME = false;
  ZONE = NaN;
  const hint = TIME_HINT.exec(s);
  if (!hint) return s.length;
  let hours = hint.index; // where the hours begin
  let dateEnd: number;
  if (isSasColon(s, hours)) {
    dateEnd = hours;
    hours++;
  } else {
    while (hours > 0 && hint.index - hours < 2 && isDigit(s.charCodeAt(hours - 1))) hours--;
    if (hours === hint.index || hours === 0) return s.length; // no hours, or no date before them: not a date-time
    // what separates the hours from the date: T or spaces, or nothing right after 日 / 号
    const before = s.charCodeAt(hours - 1);
    if (before === 84 || before === 116 || isSpace(before)) dateEnd = hours - 1;
    else if (before === 0x65e5 || before === 0x53f7) dateEnd = hours;
    else return s.length;
    while (dateEnd > 0 && isSpace(s.charCodeAt(dateEnd - 1))) dateEnd--;
  }
  WESTERN_TIME.lastIndex = hours;
  let m = WESTERN_TIME.exec(s);
  if (m) {
    HOUR = +m[1]!;
    MINUTE = +m[2]!;
    SECOND = m[3] ? +m[3] : 0;
    MILLI = m[4] ? +m[4].slice(0, 3).padEnd(3, '0') : 0;
    const half = m[5];
    if (half) {
      if (HOUR < 1 || HOUR > 12) return -1;
      HOUR = (HOUR % 12) + (half === 'p' || half === 'P' ? 12 : 0);
    }
    const zone = m[6];
    if (zone) {
      if (zone === 'Z') ZONE = 0;
      else {
        const hh = +zone.slice(1, 3);
        const mm = zone.length > 3 ? +zone.slice(-2) : 0;
        if (hh > 14 || mm > 59) return -1;
        ZONE = (zone[0] === '-' ? -1 : 1) * (hh * 60 + mm);
      }
    }
  } else {
    CHINESE_TIME.lastIndex = hours;
    m = CHINESE_TIME.exec(s);
    if (!m) return s.length; // a colon that is not a time: the date patterns will refuse the whole text
    HOUR = +m[1]!;
    MINUTE = m[2] ? +m[2] : 0;
    SECOND = m[3] ? +m[3] : 0;
    MILLI = 0;
  }
  if (HOUR > 23 || MINUTE > 59 || SECOND > 59) return -1;
  HAS_TIME = true;
  return dateEnd;
}

/**
 * Reads a text date into Y/M/D/PRECISION (and the time part into HOUR…ZONE). Returns null when read, else the refusal.
 * Calendar validity and the year range are checked by the caller (`checkDate`).
 */
function readText(cell: Cell & { kind: 'text' }, opts: DateOptions): Refusal | null {
  const s = narrow(cell.text).trim();
  if (s === '') return refuse(cell, REQUIRED);
  const end = readTimeTail(s);
  if (end < 0) return refuse(cell, 'excel.invalidTime');
  const t = end === s.length ? s : s.slice(0, end);
  PRECISION = 'day';
  if (readIsoDay(t)) return null;
  let m: RegExpExecArray | null;

  if (isDigit(t.charCodeAt(0)) && isDigit(t.charCodeAt(1)) && isDigit(t.charCodeAt(2)) && isDigit(t.charCodeAt(3))) {
    // the year first (or 8 digits)
    if ((m = YEAR_FIRST.exec(t) ?? COMPACT.exec(t))) {
      Y = +m[1]!;
      M = +m[m.length - 2]!;
      D = +m[m.length - 1]!;
    } else if ((m = CHINESE.exec(t))) {
      Y = +m[1]!;
      M = m[2] ? +m[2] : 1;
      D = m[3] ? +m[3] : 1;
      PRECISION = m[3] ? 'day' : m[2] ? 'month' : 'year';
    } else if ((m = YEAR_MONTH.exec(t))) {
      Y = +m[1]!;
      M = +m[2]!;
      D = 1;
      PRECISION = 'month';
    } else if (YEAR_ONLY.test(t)) {
      Y = +t;
      M = 1;
      D = 1;
      PRECISION = 'year';
    } else return refuse(cell, NOT_A_DATE);
    if (PRECISION !== 'day' && HAS_TIME) return refuse(cell, NOT_A_DATE);
    return null;
  }

  if ((m = NUMERIC_YEAR_LAST.exec(t))) return readNumericYearLast(cell, m, opts);
  if ((m = DAY_NAME_YEAR.exec(t))) {
    D = +m[1]!;
    M = monthOfName(m[2]!);
    Y = fullYear(m[3]!, opts);
  } else if (!HAS_TIME && (m = NAME_YEAR.exec(t))) {
    // before NAME_DAY_YEAR, which would read MAR2024 as 20 March '24
    M = monthOfName(m[1]!);
    D = 1;
    Y = +m[2]!;
    PRECISION = 'month';
  } else if ((m = NAME_DAY_YEAR.exec(t))) {
    M = monthOfName(m[1]!);
    D = +m[2]!;
    Y = fullYear(m[3]!, opts);
  } else return refuse(cell, NOT_A_DATE);
  if (M === 0) return refuse(cell, NOT_A_DATE);
  if (Y < 0) return refuse(cell, 'excel.twoDigitYear');
  return null;
}

/** 03/05/2024 and its kin: read only by the mapping's day/month order (see the file's comment). */
function readNumericYearLast(cell: Cell, m: RegExpExecArray, opts: DateOptions): Refusal | null {
  const a = +m[1]!;
  const b = +m[3]!;
  Y = fullYear(m[4]!, opts);
  if (Y < 0) return refuse(cell, 'excel.twoDigitYear');
  if (Y < MIN_YEAR || Y > MAX_YEAR) return null; // checkDate refuses the year before any day/month question
  const order = opts.dayMonthOrder;
  if (order) {
    D = order === 'dmy' ? a : b;
    M = order === 'dmy' ? b : a;
    if (!validDay(Y, M, D))
      return refuse(cell, 'excel.invalidDateForOrder', { order: order === 'dmy' ? 'DD/MM' : 'MM/DD' });
    return null;
  }
  const pad = (n: number) => PAD2[n] ?? String(n);
  const dmy = validDay(Y, b, a) ? `${Y}-${pad(b)}-${pad(a)}` : '';
  const mdy = validDay(Y, a, b) ? `${Y}-${pad(a)}-${pad(b)}` : '';
  if (dmy && mdy && dmy !== mdy) return refuse(cell, 'excel.ambiguousDate', { dmy, mdy });
  if (dmy || mdy) return refuse(cell, 'excel.dayMonthOrderRequired', { date: dmy || mdy });
  return refuse(cell, 'excel.invalidDate');
}

// ---------- cells ----------

/** 'YYYY-MM-DD' exactly (zero-padded) into Y/M/D, by position; false when the text is not that. */
function readIsoDay(s: string): boolean {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  Y = digitsAt(s, 0, 4);
  M = digitsAt(s, 5, 2);
  D = digitsAt(s, 8, 2);
  return Y >= 0 && M >= 0 && D >= 0;
}

const CELL_TIME = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

/** A date cell's 'YYYY-MM-DD' (and 'HH:MM[:SS[.mmm]]') into the parts. */
function readDateCell(cell: Cell & { kind: 'date' }): Refusal | null {
  const s = cell.date;
  PRECISION = 'day';
  HAS_TIME = false;
  ZONE = NaN;
  if (!readIsoDay(s)) return refuse(cell, NOT_A_DATE);
  // a time-only cell (14:30) is day 0 of the serial system: 1899-12-30 as exceljs reads it, 1899-12-31 as Excel shows it
  if (Y === 1899 && M === 12 && D >= 30) return refuse(cell, 'excel.timeOnly');
  const time = cell.time;
  if (time !== undefined) {
    // the reader writes HH:MM or HH:MM:SS: read those by position, anything else by the pattern
    const n = time.length;
    if ((n === 5 || n === 8) && time.charCodeAt(2) === 58 && (n === 5 || time.charCodeAt(5) === 58)) {
      HOUR = digitsAt(time, 0, 2);
      MINUTE = digitsAt(time, 3, 2);
      SECOND = n === 8 ? digitsAt(time, 6, 2) : 0;
      MILLI = 0;
    } else {
      const t = CELL_TIME.exec(time);
      if (!t) return refuse(cell, 'excel.invalidTime');
      HOUR = +t[1]!;
      MINUTE = +t[2]!;
      SECOND = t[3] ? +t[3] : 0;
      MILLI = t[4] ? +t[4].padEnd(3, '0') : 0;
    }
    if (HOUR < 0 || MINUTE < 0 || SECOND < 0 || HOUR > 23 || MINUTE > 59 || SECOND > 59)
      return refuse(cell, 'excel.invalidTime');
    HAS_TIME = HOUR + MINUTE + SECOND + MILLI > 0;
  }
  return null;
}

/** A number cell: a typed year, a typed YYYYMMDD, or an Excel serial (see the file's comment). */
function readNumberCell(cell: Cell & { kind: 'number' }, opts: DateOptions, wantTime: boolean): Refusal | null {
  const v = cell.value;
  PRECISION = 'day';
  HAS_TIME = false;
  ZONE = NaN;
  if (!Number.isFinite(v) || v < 0) return refuse(cell, NOT_A_DATE);
  if (Number.isInteger(v) && v >= MIN_YEAR && v <= MAX_YEAR) {
    Y = v;
    M = 1;
    D = 1;
    PRECISION = 'year';
    return null;
  }
  if (Number.isInteger(v) && v >= 10_000_101 && v <= 99_991_231) {
    Y = Math.floor(v / 10_000);
    M = Math.floor(v / 100) % 100;
    D = v % 100;
    return null;
  }
  const serial = Math.floor(v);
  if (opts.date1904) {
    if (serial >= SERIAL_END_1900 - 1_462) return refuse(cell, NOT_A_DATE);
    setCivil(serial - SERIAL_EPOCH_1904);
  } else {
    if (serial === 0) return refuse(cell, v === 0 ? NOT_A_DATE : 'excel.timeOnly');
    if (serial >= SERIAL_END_1900) return refuse(cell, NOT_A_DATE);
    // Excel keeps Lotus 1-2-3's 1900-02-29: serial 60 is that day, and 1–59 sit one day later than the arithmetic says
    if (serial === 60) return refuse(cell, 'excel.serialLeapDay');
    setCivil(serial - (serial < 60 ? SERIAL_EPOCH_1900 - 1 : SERIAL_EPOCH_1900));
  }
  if (wantTime) {
    // Excel stores times as fractions of a day; the float error is far below a millisecond
    let ms = Math.round((v - serial) * DAY_MS);
    if (ms >= DAY_MS) {
      setCivil(dayNumberOf(Y, M, D) + 1);
      ms -= DAY_MS;
    }
    HOUR = Math.floor(ms / 3_600_000);
    MINUTE = Math.floor(ms / 60_000) % 60;
    SECOND = Math.floor(ms / 1_000) % 60;
    MILLI = ms % 1_000;
    HAS_TIME = ms > 0;
  }
  return null;
}

function readCell(cell: Cell, opts: DateOptions, wantTime: boolean): Refusal | null {
  switch (cell.kind) {
    case 'date':
      return readDateCell(cell);
    case 'text':
      return readText(cell, opts);
    case 'number':
      return readNumberCell(cell, opts, wantTime);
    case 'bool':
      return refuse(cell, NOT_A_DATE);
    default:
      return refuseNonValue(cell);
  }
}

/** The year range and the calendar (2023-02-29, 2024-13-01) of what was read. */
function checkDate(cell: Cell): Refusal | null {
  if (Y < MIN_YEAR || Y > MAX_YEAR) return refuse(cell, 'excel.dateOutOfRange', { year: Y });
  if (!validDay(Y, M, D)) return refuse(cell, 'excel.invalidDate');
  return null;
}

/**
 * A calendar date: 'YYYY-MM-DD' (precision 'day'), or with opts.allowPartial 'YYYY-MM' / 'YYYY'. A time part in the cell
 * is checked and dropped; a zone written in the text does not move the date (SDTM dates are the date as recorded).
 */
export function parseDate(cell: Cell, opts: DateOptions = {}): DateResult {
  // the short path: ISO text as SDTM and our own exports write it
  if (cell.kind === 'text' && readIsoDay(cell.text)) {
    PRECISION = 'day';
    return checkDate(cell) ?? { ok: true, value: cell.text, precision: 'day' };
  }
  const bad = readCell(cell, opts, false) ?? checkDate(cell);
  if (bad) return bad;
  if (PRECISION !== 'day' && !opts.allowPartial) return refuse(cell, 'excel.partialDate');
  return { ok: true, value: formatDate(), precision: PRECISION };
}

/**
 * An instant (UTC ISO 8601, e.g. an SAE awareness time). A cell or text without a zone is wall-clock time at
 * opts.utcOffsetMinutes; a zone written in the text (Z, +08:00) wins. A date without a time is midnight there
 * (`hasTime` false: a date cell at exactly midnight looks the same, so the caller decides whether that is enough).
 */
export function parseDateTime(cell: Cell, opts: DateTimeOptions): DateTimeResult {
  const bad = readCell(cell, opts, true) ?? checkDate(cell);
  if (bad) return bad;
  if (PRECISION !== 'day') return refuse(cell, 'excel.partialDate');
  const offset = Number.isNaN(ZONE) ? opts.utcOffsetMinutes : ZONE;
  const wall = HAS_TIME ? HOUR * 3_600_000 + MINUTE * 60_000 + SECOND * 1_000 + MILLI : 0;
  const ms = dayNumberOf(Y, M, D) * DAY_MS + wall - offset * 60_000;
  return { ok: true, value: isoInstant(ms), hasTime: HAS_TIME };
}

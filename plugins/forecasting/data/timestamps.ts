import type { Frequency } from '../contracts.js';

// YYYY-MM-DD or YYYY/MM/DD, optionally followed by a time (T or space), seconds, fraction and zone.
const DATE_TIME =
  /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i;
const YEAR_MONTH = /^(\d{4})[-/](\d{1,2})$/;
const YEAR_QUARTER = /^(\d{4})[- ]?Q([1-4])$/i;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Numbers in this range are (decimal) years: 1975, or 1990.0833 for Feb 1990 as in the M3 data. */
const MIN_YEAR = 1000;
const MAX_YEAR = 3000;

function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

function utc(year: number, month1: number, day: number, h = 0, m = 0, s = 0, ms = 0): number | null {
  // Date.UTC silently rolls 2001-02-30 over into March; reject impossible dates instead.
  if (month1 < 1 || month1 > 12 || day < 1 || day > daysInMonth(year, month1 - 1)) return null;
  if (h > 23 || m > 59 || s > 59) return null;
  const t = Date.UTC(year, month1 - 1, day, h, m, s, ms);
  // Date.UTC maps years 0-99 to 1900-1999; a 4-digit year here is always meant literally.
  return year < 100 ? new Date(t).setUTCFullYear(year) : t;
}

function zoneOffsetMs(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

function fromDecimalYear(x: number): number {
  const year = Math.floor(x);
  const frac = x - year;
  const months = frac * 12;
  // Fractions that are whole months (M3 writes 1990.08333333333) land exactly on the month start.
  if (Math.abs(months - Math.round(months)) < 1e-6) return Date.UTC(year, Math.round(months), 1);
  const start = Date.UTC(year, 0, 1);
  return Math.round(start + frac * (Date.UTC(year + 1, 0, 1) - start));
}

/**
 * Parses one timestamp cell to epoch milliseconds (UTC), or null when it is not a timestamp.
 * Accepts ISO dates and datetimes (zone-less ones are taken as UTC), year-month `1982-04`, year-quarter
 * `1982Q2`, bare or decimal years (`1975`, `1990.0833`) and other numbers as epoch seconds, or
 * milliseconds when they are too large to be seconds (>= 1e11, i.e. after the year 5000 in seconds).
 */
export function parseTimestamp(raw: string): number | null {
  const s = raw.trim();
  if (s === '') return null;
  let m = DATE_TIME.exec(s);
  if (m) {
    const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
    const t = utc(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), ms);
    return t === null ? null : t - zoneOffsetMs(m[8]);
  }
  m = YEAR_MONTH.exec(s);
  if (m) return utc(+m[1]!, +m[2]!, 1);
  m = YEAR_QUARTER.exec(s);
  if (m) return utc(+m[1]!, (+m[2]! - 1) * 3 + 1, 1);
  if (!NUMBER.test(s)) return null;
  const x = Number(s);
  if (!Number.isFinite(x)) return null;
  return timestampFromNumber(x);
}

/** A numeric timestamp cell (already a finite number) as parseTimestamp reads it: a (decimal) year, epoch seconds or milliseconds. */
export function timestampFromNumber(x: number): number {
  if (x >= MIN_YEAR && x < MAX_YEAR) return fromDecimalYear(x);
  return Math.abs(x) >= 1e11 ? Math.round(x) : Math.round(x * 1000);
}

/**
 * Formats a timestamp for messages and output: `YYYY-MM-DD`, or `YYYY-MM-DDTHH:mm:ssZ` for hourly data.
 * Without a frequency (not inferred yet) the time is shown only when it is not midnight.
 */
export function formatTimestamp(ms: number, freq?: Frequency): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  const iso = d.toISOString();
  const withTime = freq === 'hourly' || (freq === undefined && ms % 86_400_000 !== 0);
  return withTime ? `${iso.slice(0, 19)}Z` : iso.slice(0, 10);
}

/**
 * The layout of a timestamp cell as a template (`YYYY-MM-DD`, `YYYY/MM/DD HH:mm:ss`,
 * `YYYY-MM-DDTHH:mmZ`, `YYYY-MM`, `YYYYQq`), so output can be written the way the input was;
 * undefined for layouts that have no template (numbers, epoch seconds).
 */
export function timestampStyleOf(raw: string): string | undefined {
  const s = raw.trim();
  const m = /^\d{4}([-/])\d{1,2}[-/]\d{1,2}(?:([T ])\d{1,2}:\d{2}(:\d{2})?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(s);
  if (m) {
    const date = `YYYY${m[1]}MM${m[1]}DD`;
    if (!m[2]) return date;
    return `${date}${m[2]}HH:mm${m[3] ? ':ss' : ''}${m[4] ? 'Z' : ''}`;
  }
  if (YEAR_MONTH.test(s)) return `YYYY${s.includes('/') ? '/' : '-'}MM`;
  if (YEAR_QUARTER.test(s)) return 'YYYYQq';
  return undefined;
}

/** Formats `ms` (UTC) with a template from timestampStyleOf; without one, as formatTimestamp does. */
export function formatTimestampAs(ms: number, style: string | undefined, freq?: Frequency): string {
  if (!style) return formatTimestamp(ms, freq);
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  const tokens: Record<string, string> = {
    YYYY: String(d.getUTCFullYear()).padStart(4, '0'),
    MM: two(d.getUTCMonth() + 1),
    DD: two(d.getUTCDate()),
    HH: two(d.getUTCHours()),
    mm: two(d.getUTCMinutes()),
    ss: two(d.getUTCSeconds()),
    q: String(Math.floor(d.getUTCMonth() / 3) + 1),
  };
  return style.replace(/YYYY|MM|DD|HH|mm|ss|q/g, (t) => tokens[t]!);
}

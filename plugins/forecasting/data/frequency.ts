import { DataError, UsageError } from '../../../core/errors.js';
import type { Frequency } from '../contracts.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface FrequencySpec {
  freq: Frequency;
  /** Accepted spellings for parseFrequency (lower case). */
  names: string[];
  seasonalPeriod: number;
  /** Inclusive range of spacings (ms) that count as this frequency; calendar ones vary in length. */
  min: number;
  max: number;
  /** Months per step for calendar stepping; 0 means a fixed step of `min` ms. */
  months: number;
}

// Fixed-length frequencies get a little slack for float rounding in decimal-year or seconds inputs.
const SPECS: readonly FrequencySpec[] = [
  { freq: 'hourly', names: ['h', 'hour', 'hourly'], seasonalPeriod: 24, min: HOUR, max: HOUR, months: 0 },
  { freq: 'daily', names: ['d', 'day', 'daily'], seasonalPeriod: 7, min: DAY, max: DAY, months: 0 },
  { freq: 'weekly', names: ['w', 'week', 'weekly'], seasonalPeriod: 52, min: 7 * DAY, max: 7 * DAY, months: 0 },
  { freq: 'monthly', names: ['m', 'month', 'monthly'], seasonalPeriod: 12, min: 28 * DAY, max: 31 * DAY, months: 1 },
  { freq: 'quarterly', names: ['q', 'quarter', 'quarterly'], seasonalPeriod: 4, min: 89 * DAY, max: 92 * DAY, months: 3 },
  { freq: 'yearly', names: ['y', 'a', 'year', 'yearly', 'annual', 'annually'], seasonalPeriod: 1, min: 365 * DAY, max: 366 * DAY, months: 12 },
];

/** Slack on each side of a range: a few minutes absorbs rounding without confusing neighbours. */
const SLACK = 5 * 60_000;

function specOf(freq: Frequency): FrequencySpec {
  const spec = SPECS.find((s) => s.freq === freq);
  if (!spec) throw new UsageError(`unknown frequency '${String(freq)}'`);
  return spec;
}

function matches(spec: FrequencySpec, gap: number): boolean {
  return gap >= spec.min - SLACK && gap <= spec.max + SLACK;
}

/**
 * Infers the frequency from the median spacing of `timestamps` (epoch ms UTC).
 * Gaps in the data are tolerated as long as at least half of the spacings fit the median's frequency.
 * @param context what the timestamps are, e.g. "data.csv, series 'A'", for the error message.
 */
export function inferFrequency(timestamps: number[], context: string): Frequency {
  const hint = 'pass --frequency hourly|daily|weekly|monthly|quarterly|yearly';
  if (timestamps.length < 2) {
    throw new DataError(`${context}: cannot infer the frequency from fewer than 2 timestamps; ${hint}`);
  }
  const sorted = [...timestamps].sort((a, b) => a - b);
  const gaps: number[] = [];
  for (let i = 1; i < sorted.length; i++) gaps.push(sorted[i]! - sorted[i - 1]!);
  gaps.sort((a, b) => a - b);
  const median = gaps[Math.floor((gaps.length - 1) / 2)]!;
  const spec = SPECS.find((s) => matches(s, median));
  if (!spec) {
    throw new DataError(
      `${context}: timestamps are irregular or of an unsupported frequency (median spacing ${describeGap(median)}); ${hint}`,
    );
  }
  const fitting = gaps.filter((g) => matches(spec, g)).length;
  if (fitting * 2 < gaps.length) {
    throw new DataError(
      `${context}: timestamps are irregular (only ${fitting} of ${gaps.length} spacings look ${spec.freq}); ${hint}`,
    );
  }
  return spec.freq;
}

function describeGap(ms: number): string {
  if (ms >= DAY) return `${+(ms / DAY).toFixed(2)} days`;
  if (ms >= HOUR) return `${+(ms / HOUR).toFixed(2)} hours`;
  return `${+(ms / 1000).toFixed(3)} seconds`;
}

/** Steps per seasonal cycle: 24 hours, 7 days, 52 weeks, 12 months, 4 quarters, 1 for yearly. */
export function seasonalPeriodOf(freq: Frequency): number {
  return specOf(freq).seasonalPeriod;
}

/** Parses a frequency name or short code (H, D, W, M, Q, Y/A), case-insensitive. */
export function parseFrequency(s: string): Frequency {
  const key = s.trim().toLowerCase();
  const spec = SPECS.find((x) => x.names.includes(key));
  if (!spec) {
    throw new UsageError(
      `unknown frequency '${s}'; use one of hourly (H), daily (D), weekly (W), monthly (M), quarterly (Q), yearly (Y or A)`,
    );
  }
  return spec.freq;
}

function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

/** Adds whole months in UTC, clamping the day (Jan 31 + 1 month = Feb 28/29) and keeping month ends at month ends. */
function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth();
  const day = d.getUTCDate();
  const wasMonthEnd = day === daysInMonth(year, month);
  const target = new Date(Date.UTC(year, month + months, 1));
  const ty = target.getUTCFullYear();
  const tm = target.getUTCMonth();
  const tDays = daysInMonth(ty, tm);
  // Month-end series (e.g. quarter ends on the 31st/30th) stay on month ends.
  const tDay = wasMonthEnd ? tDays : Math.min(day, tDays);
  const timeOfDay = ms - Date.UTC(year, month, day);
  return Date.UTC(ty, tm, tDay) + timeOfDay;
}

/** The `n` timestamps after `last`, stepping by calendar months for monthly/quarterly/yearly data. */
export function nextTimestamps(last: number, freq: Frequency, n: number): number[] {
  const spec = specOf(freq);
  const out: number[] = [];
  for (let k = 1; k <= n; k++) {
    // Step from `last` each time, not from the previous result, so clamping never drifts (Jan 31 -> Feb 28 -> Mar 31).
    out.push(spec.months > 0 ? addMonths(last, spec.months * k) : last + spec.min * k);
  }
  return out;
}

/**
 * The calendar timestamps missing between consecutive points of a sorted series at `freq` (a month
 * with no row in a monthly series, say), as [index before which they are missing, timestamps][].
 */
export function missingSteps(timestamps: readonly number[], freq: Frequency): { before: number; missing: number[] }[] {
  const spec = specOf(freq);
  const out: { before: number; missing: number[] }[] = [];
  for (let i = 1; i < timestamps.length; i++) {
    const missing: number[] = [];
    let next = nextTimestamps(timestamps[i - 1]!, freq, 1)[0]!;
    // Up to a point within the slack of the observed one; a step is missing when the next expected point comes well before it.
    for (let k = 2; next < timestamps[i]! - (spec.months > 0 ? 14 * DAY : SLACK); k++) {
      missing.push(next);
      next = nextTimestamps(timestamps[i - 1]!, freq, k)[k - 1]!;
      if (missing.length > 100_000) break;
    }
    if (missing.length) out.push({ before: i, missing });
  }
  return out;
}

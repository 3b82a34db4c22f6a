import { Flags } from '@oclif/core';
import { type ForecastLoadOptions, parseFrequency } from '../../plugins/forecasting/index.js';
import { UsageError } from '../../core/errors.js';

/** Flags that say how to read a forecasting CSV; shared by transfer, evaluate and forecast. */
export const forecastDataFlags = {
  data: Flags.string({ description: 'CSV, Arrow (.arrow, .feather) or Parquet (.parquet) file: long (series_id,timestamp,value[,covariates]) or wide (timestamp + one column per series)', required: true }),
  format: Flags.string({ description: 'long, wide or auto', options: ['long', 'wide', 'auto'] }),
  'id-column': Flags.string({ description: 'long format: series id column(s), comma-separated to combine' }),
  'timestamp-column': Flags.string({ description: 'timestamp column (default: timestamp, or date/time/month/ds)' }),
  'value-column': Flags.string({ description: 'long format: value column (default: value)' }),
  'series-columns': Flags.string({ description: 'wide format: comma-separated series columns (default: all numeric non-covariate columns)' }),
  'covariate-columns': Flags.string({ description: 'comma-separated known-future covariate columns (price, promotion, holiday, temperature…)' }),
  fill: Flags.string({ description: 'missing or NaN values: error (default), zero, forward, interpolate, or drop (leave out series that have any, with a count)', options: ['error', 'zero', 'forward', 'interpolate', 'drop'] }),
  frequency: Flags.string({ description: 'hourly, daily, weekly, monthly, quarterly, yearly (default: inferred from timestamps)' }),
  'seasonal-period': Flags.integer({ description: 'seasonal period in steps (default: from the frequency)' }),
  'dedupe-columns': Flags.boolean({ description: 'read repeated header names as name_2, name_3… instead of refusing the file' }),
};

type DataFlagValues = { [K in keyof typeof forecastDataFlags]?: string | number | boolean };

const list = (s: string | number | boolean | undefined) => (typeof s === 'string' && s.length ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined);

/** Turns parsed flags into loader options; `saved` (from a model manifest) fills what the flags omit. */
export function forecastLoadOptions(flags: DataFlagValues, saved: Record<string, unknown> = {}): ForecastLoadOptions {
  const pick = <T>(flag: T | undefined, key: string) => (flag !== undefined ? flag : (saved[key] as T | undefined));
  const sp = pick(flags['seasonal-period'] as number | undefined, 'seasonalPeriod');
  if (sp !== undefined && (!Number.isInteger(sp) || sp < 1)) throw new UsageError(`--seasonal-period ${sp}: must be a positive integer`);
  const freq = pick(flags.frequency as string | undefined, 'frequency');
  return {
    format: pick(flags.format as ForecastLoadOptions['format'], 'format'),
    idColumn: pick(flags['id-column'] as string | undefined, 'idColumn'),
    timestampColumn: pick(flags['timestamp-column'] as string | undefined, 'timestampColumn'),
    valueColumn: pick(flags['value-column'] as string | undefined, 'valueColumn'),
    seriesColumns: pick(list(flags['series-columns']), 'seriesColumns'),
    covariateColumns: pick(list(flags['covariate-columns']), 'covariateColumns'),
    fill: pick(flags.fill as ForecastLoadOptions['fill'], 'fill'),
    frequency: freq ? parseFrequency(freq) : undefined,
    seasonalPeriod: sp,
    dedupeColumns: pick(flags['dedupe-columns'] ? true : undefined, 'dedupeColumns'),
  };
}

/** The mapping to save in a model manifest (undefined entries dropped). */
export function savedColumns(o: ForecastLoadOptions): Record<string, string | string[] | undefined> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Record<string, string | string[] | undefined>;
}

import { DataError } from '../../../core/errors.js';
import type { Frequency, Series } from '../contracts.js';
import { fillGaps, type FillMode } from './cells.js';
import { missingSteps } from './frequency.js';
import { formatTimestamp } from './timestamps.js';

/** What the loader tells the gap filler: the file, the --fill mode, the value column, and where notices go. */
export interface GapContext {
  file: string;
  fill: FillMode;
  valueColumn: string;
  notices: string[];
}

/**
 * Timestamps missing inside a series (a month without a row): without this the steps around them
 * would be read as neighbours and the seasonal pattern would shift. Under --fill they are inserted as
 * missing values and filled like any other (drop leaves the series out); by default an error names
 * the first missing timestamp.
 */
export function fillCalendarGaps(ctx: GapContext, series: Series[], freq: Frequency): Series[] {
  const out: Series[] = [];
  const patched: string[] = [];
  const dropped: string[] = [];
  let inserted = 0;
  for (const s of series) {
    const gaps = missingSteps(s.timestamps, freq);
    if (gaps.length === 0) {
      out.push(s);
      continue;
    }
    const count = gaps.reduce((a, g) => a + g.missing.length, 0);
    if (ctx.fill === 'error') {
      throw new DataError(
        `${ctx.file}: series '${s.id}' has no row for ${formatTimestamp(gaps[0]!.missing[0]!)}${count > 1 ? ` and ${count - 1} other ${freq} step(s)` : ''} between its first and last timestamps; add the rows, or pass --fill forward|zero|interpolate to fill them (--fill drop leaves such series out)`,
        'gap-in-series',
      );
    }
    if (ctx.fill === 'drop') {
      dropped.push(s.id);
      continue;
    }
    const timestamps: number[] = [];
    const values: number[] = [];
    const covariates: Record<string, number[]> = Object.fromEntries(Object.keys(s.covariates).map((k) => [k, []]));
    let g = 0;
    for (let i = 0; i < s.timestamps.length; i++) {
      if (g < gaps.length && gaps[g]!.before === i) {
        for (const t of gaps[g]!.missing) {
          timestamps.push(t);
          values.push(NaN);
          for (const k of Object.keys(covariates)) covariates[k]!.push(NaN);
        }
        g++;
      }
      timestamps.push(s.timestamps[i]!);
      values.push(s.values[i]!);
      for (const k of Object.keys(covariates)) covariates[k]!.push(s.covariates[k]![i]!);
    }
    fillGaps(values, ctx.fill, `${ctx.file}: series '${s.id}', column '${ctx.valueColumn}'`);
    for (const [k, v] of Object.entries(covariates)) fillGaps(v, ctx.fill, `${ctx.file}: series '${s.id}', covariate column '${k}'`);
    out.push({ id: s.id, timestamps, values, covariates });
    patched.push(s.id);
    inserted += count;
  }
  if (patched.length) ctx.notices.push(`inserted and filled (--fill ${ctx.fill}) ${inserted} missing ${freq} timestamp(s) in ${patched.length} series (${listIds(patched)})`);
  if (dropped.length) {
    if (out.length === 0) throw new DataError(`${ctx.file}: every series has missing timestamps, so --fill drop leaves nothing; fill them instead (--fill forward|zero|interpolate)`);
    ctx.notices.push(`left out ${dropped.length} series with missing timestamps (--fill drop): ${listIds(dropped)}`);
  }
  return out;
}

/** Up to five ids for a notice, then how many more. */
export function listIds(ids: string[]): string {
  const shown = ids.slice(0, 5).map((id) => `'${id}'`).join(', ');
  return ids.length > 5 ? `${shown} and ${ids.length - 5} more` : shown;
}


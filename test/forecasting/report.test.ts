import { describe, expect, it } from 'vitest';
import { markedScoreRows, readingOf } from '../../plugins/forecasting/services/report.js';
import type { ScoredMethod } from '../../plugins/forecasting/services/scoring.js';

const row = (name: string, kind: 'transfer' | 'baseline', relMASE: number, MAE: number): ScoredMethod => ({
  name,
  kind,
  relMASE,
  relMAE: relMASE,
  report: { metrics: ['MASE', 'MAE'], aggregate: { MASE: relMASE, MAE } },
  trainSeconds: 0,
  predictSeconds: 0,
  trainableParameters: 0,
});

describe('the demo reading of its own table', () => {
  const rows = [row('zero-shot + ets', 'transfer', 0.95, 400), row('probe + ets', 'transfer', 0.9, 380), row('ets', 'baseline', 1.0, 420), row('seasonal-naive', 'baseline', 1, 430)];

  it('marks the test-best row and names it with its gain in plain words', () => {
    const marked = markedScoreRows(rows);
    expect(marked.map((r) => r[0])).toEqual(['zero-shot + ets', '* probe + ets', 'ets', 'seasonal-naive']);
    const text = readingOf(rows, [{ strategy: 'probe', relMASE: 0.93 }], 'rides');
    expect(text).toMatch(/^On the test window, probe \+ ets forecast best: its errors are 10% smaller than repeating last season's values \(seasonal naive\), about 380 rides off/);
    expect(text).toMatch(/ETS, the classical method, is 11% behind it\./);
    expect(text).not.toMatch(/validation check/);
  });

  it('explains a validation window that ranked another strategy first', () => {
    const text = readingOf(rows, [{ strategy: 'zero-shot', relMASE: 0.91 }, { strategy: 'probe', relMASE: 0.94 }], 'rides');
    expect(text).toMatch(/The validation check \(an earlier window.*\) ranked zero-shot first instead/);
  });
});

import { describe, it, expect } from 'vitest';
import { transferWarnings } from '../../plugins/forecasting/services/compare.js';
import { renderTable, renderMarkdown } from '../../core/report/table.js';
import { casesAt } from '../../plugins/forecasting/services/scoring.js';
import type { ForecastDataset } from '../../plugins/forecasting/contracts.js';

describe('transfer warnings', () => {
  it('say plainly when a pretrained strategy loses to seasonal naive or to scratch on validation', () => {
    const w = transferWarnings([
      { strategy: 'zero-shot', relMASE: 1.2, MASE: 1.3 },
      { strategy: 'probe', relMASE: 0.9, MASE: 1.0 },
      { strategy: 'fine-tune', relMASE: 0.97, MASE: 1.05 },
      { strategy: 'scratch', relMASE: 0.95, MASE: 1.02 },
    ]);
    expect(w).toHaveLength(3);
    expect(w[0]).toMatch(/zero-shot is worse than seasonal naive on the validation window/);
    expect(w[1]).toMatch(/zero-shot is worse than scratch/);
    expect(w[2]).toMatch(/fine-tune is worse than scratch/);
    expect(w.join(' ')).not.toMatch(/probe/);
  });

  it('are silent when transfer pays', () => {
    expect(transferWarnings([{ strategy: 'probe', relMASE: 0.8, MASE: 0.9 }, { strategy: 'scratch', relMASE: 0.95, MASE: 1 }])).toEqual([]);
  });
});

describe('tables', () => {
  it('align numeric columns right and text left', () => {
    const t = renderTable(['method', 'MASE'], [['probe', '0.9'], ['seasonal-naive', '1.163']]).split('\n');
    expect(t[0]).toBe('method           MASE');
    expect(t[2]).toBe('probe             0.9');
    expect(t[3]).toBe('seasonal-naive  1.163');
  });

  it('render markdown', () => {
    expect(renderMarkdown(['a', 'b'], [['1', '2']])).toBe('| a | b |\n|---|---|\n| 1 | 2 |');
  });
});

describe('casesAt', () => {
  it('scores several windows of one series as separate rows, one window under the plain series id', () => {
    const ds = {
      source: 'mem.csv', frequency: 'monthly', seasonalPeriod: 1, covariateNames: [], notices: [],
      series: [
        { id: 'a', timestamps: [], values: [1, 2, 3, 4, 5, 6], covariates: {} },
        { id: 'b', timestamps: [], values: [1, 2, 3, 4, 5, 6], covariates: {} },
      ],
    } as unknown as ForecastDataset;
    const cases = casesAt(ds, [{ series: 0, cut: 4 }, { series: 0, cut: 2 }, { series: 1, cut: 4 }], [[0, 0], [0, 0], [0, 0]], 2);
    expect(cases.map((c) => c.seriesId)).toEqual(['a@4', 'a@2', 'b']);
    expect(cases[1]!.history).toEqual([1, 2]);
    expect(cases[1]!.actual).toEqual([3, 4]);
  });
});

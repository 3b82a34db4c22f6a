/**
 * One cell of the forecasting data-savings benchmark: zero-shot and the baselines, or one strategy
 * trained on a seeded share of the series. The local run and the `forecast-bench-cell` job kind
 * both call runSavingsCell, so a queued run computes each cell exactly as a local one does.
 */
import type { StrategyName, TrainCheckpoint } from '../../core/interfaces/index.js';
import type { ForecastDataset } from '../../plugins/forecasting/contracts.js';
import type { Forecaster } from '../../plugins/forecasting/forecaster.js';
import type { ForecastService } from '../../plugins/forecasting/services/forecast-service.js';
import { seriesSubset } from '../../plugins/forecasting/data/train-share.js';
import type { SavingsRun } from '../suites/forecast-data-savings-report.js';
import type { SuiteBudget } from '../suites/forecast-multi-data.js';

/** Zero-shot and the baselines (they depend on neither share nor seed), or one trained run. */
export type SavingsCell =
  | { kind: 'reference' }
  | { kind: 'trained'; strategy: StrategyName; fraction: number; seed: number };

export interface SavingsCellSettings {
  backbone: string;
  horizon: number;
  /** The trained strategies' budget: --quick's, then the suite file's. */
  train: SuiteBudget;
}

/** The runs-file key of the run that marks a cell done (the local run's resume rule). */
export function savingsCellKey(cell: SavingsCell): string {
  return cell.kind === 'reference' ? 'zero-shot|0|0' : `${cell.strategy}|${cell.fraction}|${cell.seed}`;
}

/** The cells in the order a local run computes them: the reference first, then seed × share × strategy. */
export function savingsCells(o: { seeds: number[]; fractions: number[]; strategies: StrategyName[]; skipReference?: boolean }): SavingsCell[] {
  const trained = o.seeds.flatMap((seed) => o.fractions.flatMap((fraction) => o.strategies.map((strategy): SavingsCell => ({ kind: 'trained', strategy, fraction, seed }))));
  return o.skipReference ? trained : [{ kind: 'reference' }, ...trained];
}

/** What a progress line says about a cell. */
export function savingsCellLabel(cell: SavingsCell): string {
  return cell.kind === 'reference' ? 'zero-shot and the baselines' : `${cell.strategy} on ${Math.round(cell.fraction * 100)}% of the series, seed ${cell.seed}`;
}

/** A cell's runs, in the order the runs file gets them. */
export async function runSavingsCell(service: ForecastService, ds: ForecastDataset, cell: SavingsCell, s: SavingsCellSettings): Promise<SavingsRun[]> {
  const horizon = s.horizon;
  if (cell.kind === 'reference') {
    const z = await service.transfer(ds, { backbone: s.backbone, strategy: 'zero-shot', horizon, combine: 'none' });
    try {
      const [row, ...baselines] = service.evaluate(ds, horizon, [{ name: 'zero-shot', forecaster: z.forecaster, trainSeconds: z.training.seconds }]);
      return [
        { method: 'zero-shot', fraction: 0, seed: 0, MASE: row!.report.aggregate.MASE!, relMASE: row!.relMASE, sMAPE: row!.report.aggregate.sMAPE!, trainSeconds: row!.trainSeconds, predictSeconds: row!.predictSeconds, epochs: 0 },
        ...baselines.map((b): SavingsRun => ({ method: b.name, fraction: 0, seed: 0, MASE: b.report.aggregate.MASE!, relMASE: b.relMASE, sMAPE: b.report.aggregate.sMAPE!, trainSeconds: b.trainSeconds, predictSeconds: 0, epochs: 0 })),
      ];
    } finally {
      z.forecaster.dispose();
    }
  }
  const { strategy, fraction, seed } = cell;
  const subset = seriesSubset(ds.series.length, fraction, seed);
  // Test error at every checkpoint, off the training clock: the time-savings curves.
  const curve: NonNullable<SavingsRun['curve']> = [];
  const onCheckpoint = ({ epoch, seconds, valLoss, forecaster }: TrainCheckpoint & { forecaster: Forecaster }) => {
    const [now] = service.evaluate(ds, horizon, [{ name: strategy, forecaster, trainSeconds: seconds }], []);
    curve.push({ epoch, seconds, valLoss, testMASE: now!.report.aggregate.MASE! });
  };
  const r = await service.transfer(ds, { backbone: s.backbone, strategy, horizon, seed, trainSeries: (i) => subset.has(i), combine: 'none', onCheckpoint, ...s.train });
  try {
    const [row] = service.evaluate(ds, horizon, [{ name: strategy, forecaster: r.forecaster, trainSeconds: r.training.seconds }], []);
    return [{ method: strategy, fraction, seed, MASE: row!.report.aggregate.MASE!, relMASE: row!.relMASE, sMAPE: row!.report.aggregate.sMAPE!, trainSeconds: r.training.seconds, predictSeconds: row!.predictSeconds, epochs: r.training.epochsRun, valRelMASE: r.validation.relMASE, curve }];
  } finally {
    r.forecaster.dispose();
  }
}

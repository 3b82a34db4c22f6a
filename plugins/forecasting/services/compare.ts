import type { StrategyName, TrainProgress } from '../../../core/interfaces/index.js';
import type { ForecastDataset } from '../contracts.js';
import type { ForecastService, TransferOptions } from './forecast-service.js';
import type { ScoredMethod } from './scoring.js';

export interface CompareOptions extends Omit<TransferOptions, 'strategy' | 'onProgress'> {
  strategies: StrategyName[];
  /** Baseline ids to score beside the strategies (default: all registered). */
  baselines?: string[];
  onProgress?: (strategy: StrategyName, p: TrainProgress) => void;
  onStrategyDone?: (strategy: StrategyName) => void;
}

export interface StrategyValidation {
  strategy: StrategyName;
  relMASE: number;
  MASE: number;
  /** Validation horizons per series (more when there are few series). */
  windowsPerSeries?: number;
}

export interface Comparison {
  rows: ScoredMethod[];
  validation: StrategyValidation[];
  /** Plain statements where transfer did not pay on the validation window. */
  warnings: string[];
}

/**
 * Runs several strategies on one dataset and scores them with the baselines on the same test window.
 * Transfer can hurt when the data is far from the pretraining corpus: a pretrained strategy that does
 * worse on validation than scratch or than seasonal naive is reported as such.
 */
export async function compareStrategies(service: ForecastService, dataset: ForecastDataset, o: CompareOptions): Promise<Comparison> {
  const trained: { name: string; forecaster: Awaited<ReturnType<ForecastService['transfer']>>['forecaster']; trainSeconds: number }[] = [];
  const validation: StrategyValidation[] = [];
  for (const strategy of o.strategies) {
    const outcome = await service.transfer(dataset, { ...o, strategy, onProgress: (p) => o.onProgress?.(strategy, p) });
    trained.push({ name: `${strategy}${outcome.forecaster.combinationLabel()}`, forecaster: outcome.forecaster, trainSeconds: outcome.training.seconds });
    validation.push({ strategy, relMASE: outcome.validation.relMASE, MASE: outcome.validation.MASE, windowsPerSeries: outcome.validation.windowsPerSeries });
    o.onStrategyDone?.(strategy);
  }
  const rows = service.evaluate(dataset, o.horizon, trained, o.baselines);
  trained.forEach((t) => t.forecaster.dispose());
  return { rows, validation, warnings: transferWarnings(validation) };
}

export function transferWarnings(validation: StrategyValidation[]): string[] {
  const warnings: string[] = [];
  const scratch = validation.find((v) => v.strategy === 'scratch');
  for (const v of validation) {
    if (v.strategy === 'scratch') continue;
    if (v.relMASE > 1) warnings.push(`${v.strategy} is worse than seasonal naive on the validation window (relative MASE ${v.relMASE.toFixed(3)} > 1): there, the pretrained model did not pay`);
    if (scratch && v.relMASE > scratch.relMASE) warnings.push(`${v.strategy} is worse than scratch on the validation window (relative MASE ${v.relMASE.toFixed(3)} vs ${scratch.relMASE.toFixed(3)}): there, pretraining did not help`);
  }
  return warnings;
}

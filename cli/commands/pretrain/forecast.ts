import { Flags } from '@oclif/core';
import { PretrainCommand, pretrainRunFlags } from '../../pretrain-command.js';
import type { PretrainSummary } from '../../../core/interfaces/index.js';
import { parseQuantileLevels, readCorpusSpec, SYNTHETIC_RECIPES, type SyntheticRecipe, type ForecastPretrainOptions } from '../../../plugins/forecasting/index.js';

export default class PretrainForecast extends PretrainCommand {
  static override summary = 'Pretrain a forecasting backbone on real corpora plus KernelSynth-style synthetic series';
  static override description = 'Writes tfjs weights and a manifest (corpus, command, seed, steps, wall time, parameters, sha256) to --out, with a loadable checkpoint every --checkpoint-every steps.';
  static override examples = [
    '<%= config.bin %> pretrain forecast --corpus M3_long.csv --corpus M1_long.csv --order-column t --time-column time --synthetic 200000 --out weights/',
    '<%= config.bin %> pretrain forecast --backbone patch-mixer-m --corpus-spec corpus.json --synthetic-recipe demand --out weights/',
    '<%= config.bin %> pretrain forecast --synthetic 10000 --steps 200 --out /tmp/w --json',
  ];
  static override flags = {
    backbone: Flags.string({ description: 'backbone id to pretrain', default: 'patch-mixer-s' }),
    corpus: Flags.string({ description: 'long CSV of real series (repeatable)', multiple: true, default: [] }),
    'id-column': Flags.string({ description: 'series id column of the corpus files', default: 'series_id' }),
    'value-column': Flags.string({ description: 'value column of the corpus files', default: 'value' }),
    'order-column': Flags.string({ description: 'column that orders rows within a series (file order if absent)' }),
    'time-column': Flags.string({ description: 'decimal-time column whose step gives each series\' seasonal period (1/12 -> 12, 1/4 -> 4, else 1)' }),
    'corpus-spec': Flags.string({ description: 'JSON file listing corpus files with their own columns and seasonal periods (paths relative to it); see benchmarks/corpora/' }),
    'quantile-head': Flags.string({ description: 'train only a quantile head at these levels (e.g. 0.1,0.2,…,0.9) on the frozen encoder of --init-from; write it to <weights>/quantile-head/ for zero-shot quantiles' }),
    'init-from': Flags.string({ description: 'continue pretraining from this weights folder of the same backbone (its manifest\'s steps and sha256 are recorded)' }),
    synthetic: Flags.integer({ description: 'number of KernelSynth-style synthetic series', default: 200000 }),
    'synthetic-ratio': Flags.string({ description: 'share of each batch from synthetic series', default: '0.5' }),
    'synthetic-recipe': Flags.string({ description: 'kernel-synth, or demand: half KernelSynth, half demand-shaped (multi-seasonal, level shifts, counts, intermittent)', options: [...SYNTHETIC_RECIPES], default: 'kernel-synth' }),
    ...pretrainRunFlags,
  };

  async run(): Promise<PretrainSummary> {
    const { flags } = await this.parse(PretrainForecast);
    return this.pretrain<ForecastPretrainOptions>('forecast', flags.backbone, flags, {
      corpus: [
        ...flags.corpus.map((path) => ({ path, idColumn: flags['id-column'], valueColumn: flags['value-column'], orderColumn: flags['order-column'], timeColumn: flags['time-column'] })),
        ...(flags['corpus-spec'] ? readCorpusSpec(flags['corpus-spec']) : []),
      ],
      recipe: flags['synthetic-recipe'] as SyntheticRecipe,
      initFrom: flags['init-from'],
      quantileHead: flags['quantile-head'] !== undefined ? parseQuantileLevels(flags['quantile-head']) : undefined,
      synthetic: flags.synthetic,
      syntheticRatio: Number(flags['synthetic-ratio']),
    });
  }
}

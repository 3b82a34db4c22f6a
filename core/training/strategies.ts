import type { Strategy, StrategyName } from '../interfaces/index.js';
import { UsageError } from '../errors.js';

/** The four transfer strategies, as data (Darts-style), not as flags checked across the code. */
export const STRATEGIES: Readonly<Record<StrategyName, Strategy>> = {
  'zero-shot': {
    name: 'zero-shot',
    description: 'pretrained backbone and its pretraining head, used as is (no training)',
    backboneInit: 'pretrained',
    trainBackbone: false,
    trainHead: false,
    learningRate: 0,
    backboneLrScale: 0,
    freshLrScale: 0,
    warmStartHead: true,
    cacheEncodings: false,
  },
  probe: {
    name: 'probe',
    description: 'pretrained backbone frozen; only the new head learns, on cached encodings',
    backboneInit: 'pretrained',
    trainBackbone: false,
    trainHead: true,
    learningRate: 3e-4,
    backboneLrScale: 0,
    freshLrScale: 3,
    warmStartHead: true,
    cacheEncodings: true,
  },
  'fine-tune': {
    name: 'fine-tune',
    description: 'pretrained backbone and new head both learn; the backbone at a tenth of the learning rate',
    backboneInit: 'pretrained',
    trainBackbone: true,
    trainHead: true,
    learningRate: 3e-4,
    backboneLrScale: 0.1,
    freshLrScale: 3,
    warmStartHead: true,
    cacheEncodings: false,
  },
  scratch: {
    name: 'scratch',
    description: 'same architecture, random initialisation, everything learns',
    backboneInit: 'random',
    trainBackbone: true,
    trainHead: true,
    learningRate: 1e-3,
    backboneLrScale: 1,
    freshLrScale: 1,
    warmStartHead: false,
    cacheEncodings: false,
  },
};

export const STRATEGY_NAMES = Object.keys(STRATEGIES) as StrategyName[];

export function strategyOf(name: string): Strategy {
  const s = STRATEGIES[name as StrategyName];
  if (!s) throw new UsageError(`unknown strategy "${name}"; choose one of ${STRATEGY_NAMES.join(', ')}`, 'unknown-strategy');
  return s;
}

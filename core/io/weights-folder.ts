import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { WEIGHTS_MANIFEST } from './weights-manifest.js';

/**
 * Points a registered backbone at another weights folder (a `headstart pretrain … --out`) instead of
 * its shipped one: transfer from one's own pretraining, or score a candidate before it replaces the
 * shipped weights. The folder is verified like shipped weights when the backbone loads it.
 */
export function useWeightsFolder(backbone: object, id: string, dir: string): void {
  if (!('weightsDir' in backbone)) throw new UsageError(`--weights: backbone ${id} does not read its weights from a folder`, 'no-weights-folder');
  if (!existsSync(join(dir, WEIGHTS_MANIFEST))) throw new UsageError(`--weights ${dir}: no ${WEIGHTS_MANIFEST}; pass a folder written by \`headstart pretrain … --out\``, 'weights-missing');
  (backbone as { weightsDir: string }).weightsDir = dir;
}

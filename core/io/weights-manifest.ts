import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ModelError } from '../errors.js';
import { hasValidDigest } from './manifest-digest.js';

/** The record shipped beside pretrained weights: enough for anyone to re-run the pretraining. */
export interface WeightsManifest {
  backbone: string;
  version: string;
  /** Architecture settings the weights belong to. */
  config: Record<string, number | string>;
  corpus: { description: string; sources: string[]; synthetic: number };
  /** The exact command line that produced the weights. */
  command: string;
  seed: number;
  steps: number;
  /** Examples per optimiser step, over all replicas together. */
  batchSize: number;
  /** Data-parallel replicas the run used (absent: one). */
  replicas?: number;
  wallSeconds: number;
  parameters: number;
  /** Final pretraining losses (train, and held-out when measured). */
  finalLoss: Record<string, number>;
  backend: string;
  createdAt: string;
  /** sha256 of every weight file, checked at load. */
  files: Record<string, string>;
  /** sha256 of this manifest without `digest` (see manifestDigest). */
  digest?: string;
}

export const WEIGHTS_MANIFEST = 'manifest.json';

export function hasWeights(dir: string): boolean {
  return existsSync(join(dir, WEIGHTS_MANIFEST));
}

export function readWeightsManifest(dir: string): WeightsManifest {
  const path = join(dir, WEIGHTS_MANIFEST);
  if (!existsSync(path)) {
    throw new ModelError(`${path}: no weights manifest; this backbone has no pretrained weights — use --strategy scratch or run \`headstart pretrain\``, 'weights-missing');
  }
  let manifest: WeightsManifest;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as WeightsManifest;
  } catch {
    throw new ModelError(`${path}: manifest is not valid JSON; restore the plugin's weights folder`, 'weights-corrupt');
  }
  if (!hasValidDigest(manifest)) throw new ModelError(`${path}: the weights manifest does not match its digest (edited, or written by an older headstart); restore the weights folder or re-run the pretraining command`, 'weights-tampered');
  if (typeof manifest.files !== 'object' || manifest.files === null || Object.keys(manifest.files).length === 0) throw new ModelError(`${path}: the weights manifest lists no file digests; restore the weights folder`, 'weights-corrupt');
  return manifest;
}

/** What a backbone's describe() reports about its shipped weights: whether they exist and their corpus. */
export function shippedWeights(dir: string): { hasWeights: boolean; manifest?: WeightsManifest; corpus: string } {
  if (!hasWeights(dir)) return { hasWeights: false, corpus: 'none (no pretrained weights shipped)' };
  const manifest = readWeightsManifest(dir);
  return { hasWeights: true, manifest, corpus: manifest.corpus.description };
}

/**
 * Reads the weights manifest of backbone `id` and checks it was made for this code: same backbone,
 * version and architecture settings; otherwise a ModelError that says what differs and how to fix it.
 */
export function readCompatibleWeights(dir: string, expected: { id: string; version: string; config: object }): WeightsManifest {
  const manifest = readWeightsManifest(dir);
  const mismatch = Object.entries(expected.config).find(([k, v]) => manifest.config[k] !== v);
  if (manifest.backbone !== expected.id || manifest.version !== expected.version || mismatch) {
    throw new ModelError(
      `${dir}: weights are for ${manifest.backbone} v${manifest.version}${mismatch ? ` (${mismatch[0]}=${manifest.config[mismatch[0]]}, expected ${mismatch[1]})` : ''}, but this code is ${expected.id === manifest.backbone ? '' : `${expected.id} `}v${expected.version}; re-run the pretraining command in its manifest`,
      'weights-incompatible',
    );
  }
  return manifest;
}

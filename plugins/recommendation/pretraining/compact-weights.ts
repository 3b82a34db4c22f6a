/**
 * A recommendation weights folder without its source catalogue's rows. The next-item head keeps an
 * embedding, a bias and statistics for every item of the pretraining catalogue, yet a transfer to
 * another catalogue copies only the catalogue-independent weights (gates, user and query maps;
 * `weightRole` 'transferable') and starts the target's items at zero. Those rows are most of the
 * folder (18,357 Sports items: 23.8 MB of a 24 MB head), so the shipped folders hold a head over one
 * placeholder item with the transferable weights copied bit for bit: every transfer to a new
 * catalogue is unchanged; only same-catalogue item transfer (`--item-transfer same-catalogue`)
 * needs the full folder, which `headstart pretrain recommend` writes.
 */
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeDirAtomic, writeFileAtomic, type DirWriteOptions } from '../../../core/io/atomic.js';
import { loadNetwork, saveNetwork } from '../../../core/io/layers-io.js';
import { manifestDigest } from '../../../core/io/manifest-digest.js';
import { readWeightsManifest, WEIGHTS_MANIFEST, type WeightsManifest } from '../../../core/io/weights-manifest.js';
import { UsageError } from '../../../core/errors.js';
import type { HeadConfig } from '../../../core/interfaces/index.js';
import { NextItemHead, NextItemHeadModel } from '../heads/next-item-head.js';
import { headOptions } from '../backbones/event-encoder.js';

/** What the manifest of a compacted folder adds: where its head came from. */
export interface CompactedFrom {
  /** The command that compacted it, and the sha256 of the full head it was cut from. */
  command: string;
  head: { items: number; sha256: string };
}

/** Writes `out`: `src`'s backbone as it is, its head over one placeholder item, no item-id list. */
export async function compactWeights(src: string, out: string, command: string, o: DirWriteOptions = {}): Promise<{ items: number; parametersBefore: number; parametersAfter: number }> {
  const manifest = readWeightsManifest(src);
  if (typeof manifest.config.head !== 'string') throw new UsageError(`${src}: not a recommendation weights folder (its manifest has no next-item head config)`, 'bad-weights');
  if ((manifest as WeightsManifest & { compactedFrom?: CompactedFrom }).compactedFrom) throw new UsageError(`${src}: already compact`, 'bad-weights');
  const full = await loadNetwork(src, 'head', manifest.files);
  const items = full.outputs[0]!.shape[1] as number;
  const config: HeadConfig = { head: 'next-item', embeddingSize: full.inputs[0]!.shape[1] as number, outputs: items, options: headOptions(manifest.config.head) };
  const compact = new NextItemHead().create({ ...config, outputs: 1 }, { seed: 0, warmStart: new NextItemHeadModel(config, full) });
  const parametersBefore = full.countParams();
  const parametersAfter = compact.network.countParams();
  try {
    await writeDirAtomic(out, async (tmp) => {
      await copyFile(join(src, 'backbone.json'), join(tmp, 'backbone.json'));
      await copyFile(join(src, 'backbone.weights.bin'), join(tmp, 'backbone.weights.bin'));
      const head = await saveNetwork(compact.network, tmp, 'head');
      const files = { 'backbone.json': manifest.files['backbone.json']!, 'backbone.weights.bin': manifest.files['backbone.weights.bin']!, ...head };
      const { digest: _d, files: _f, ...rest } = manifest;
      const next = { ...rest, files, compactedFrom: { command, head: { items, sha256: manifest.files['head.weights.bin']! } } satisfies CompactedFrom };
      await writeFileAtomic(join(tmp, WEIGHTS_MANIFEST), JSON.stringify({ ...next, digest: manifestDigest(next) }, null, 2) + '\n');
    }, o);
  } finally {
    full.dispose();
    compact.network.dispose();
  }
  return { items, parametersBefore, parametersAfter };
}

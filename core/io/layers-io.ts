import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { sha256 } from './sha256.js';
import { ModelError } from '../errors.js';

/** File names of one saved network inside a folder. */
export interface SavedNetworkFiles {
  modelJson: string;
  weightsBin: string;
}

export function networkFiles(dir: string, name: string): SavedNetworkFiles {
  return { modelJson: join(dir, `${name}.json`), weightsBin: join(dir, `${name}.weights.bin`) };
}

/**
 * Saves a LayersModel as tfjs layers format (model.json + one weights file) with plain `fs`;
 * tfjs's own `file://` handler ships only with tfjs-node. Returns the sha256 of each file.
 */
export async function saveNetwork(model: tf.LayersModel, dir: string, name: string): Promise<Record<string, string>> {
  const files = networkFiles(dir, name);
  const weightsFile = `${name}.weights.bin`;
  let hashes: Record<string, string> = {};
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = new Uint8Array(artifacts.weightData as ArrayBuffer);
      const json = JSON.stringify({
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [weightsFile], weights: artifacts.weightSpecs }],
      });
      await writeFileAtomic(files.weightsBin, weights);
      await writeFileAtomic(files.modelJson, json);
      hashes = { [`${name}.json`]: sha256(json), [weightsFile]: sha256(weights) };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return hashes;
}

/**
 * Loads a network saved by saveNetwork. When `expected` hashes are given, every file must match,
 * otherwise the weights were corrupted or tampered with and loading stops.
 */
export async function loadNetwork(dir: string, name: string, expected?: Record<string, string>): Promise<tf.LayersModel> {
  const files = networkFiles(dir, name);
  for (const f of [files.modelJson, files.weightsBin]) {
    if (!existsSync(f)) throw new ModelError(`${f}: file missing; the model folder is incomplete — re-run the command that wrote it`, 'model-missing');
  }
  const jsonBytes = await readFile(files.modelJson);
  const weightBytes = await readFile(files.weightsBin);
  if (expected) {
    for (const [file, bytes] of [[`${name}.json`, jsonBytes], [`${name}.weights.bin`, weightBytes]] as const) {
      const want = expected[file];
      if (want === undefined) throw new ModelError(`${join(dir, file)}: not listed in the manifest's file digests, so it cannot be verified; restore the folder or re-run the command that produced it`, 'weights-unlisted');
      const got = sha256(bytes);
      if (want !== got) {
        throw new ModelError(`${join(dir, file)}: sha256 ${got.slice(0, 12)}… does not match the manifest (${want.slice(0, 12)}…); the file is corrupted or was modified — restore it or re-run the command that produced it`, 'weights-tampered');
      }
    }
  }
  let parsed: { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
  try {
    parsed = JSON.parse(jsonBytes.toString('utf8'));
  } catch {
    throw new ModelError(`${files.modelJson}: not valid JSON; the file is corrupted`, 'model-corrupt');
  }
  const specs = parsed.weightsManifest.flatMap((g) => g.weights);
  const weightData = weightBytes.buffer.slice(weightBytes.byteOffset, weightBytes.byteOffset + weightBytes.byteLength);
  try {
    return await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: parsed.modelTopology, weightSpecs: specs, weightData }));
  } catch (err) {
    throw new ModelError(`${files.modelJson}: cannot rebuild the network (${(err as Error).message}); the folder is corrupted or from an incompatible version`, 'model-corrupt');
  }
}

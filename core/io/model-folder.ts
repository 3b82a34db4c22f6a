import type * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeDirAtomic, writeFileAtomic } from './atomic.js';
import { loadNetwork, saveNetwork } from './layers-io.js';
import { ModelError } from '../errors.js';
import { CORE_VERSION, MODEL_FORMAT_VERSION } from '../version.js';
import type { TaskKind } from '../interfaces/index.js';

/** The manifest of a saved task model folder. `meta` is task-specific (head config, scaler, columns…). */
export interface ModelFolderManifest<TMeta> {
  format: 'headstart-model';
  formatVersion: number;
  coreVersion: string;
  task: TaskKind;
  savedAt: string;
  meta: TMeta;
  /** sha256 of each network file. */
  files: Record<string, string>;
}

const MANIFEST = 'manifest.json';

/** Writes backbone + head networks and the manifest into `dir`, atomically (all or nothing). */
export async function saveModelFolder<TMeta>(dir: string, task: TaskKind, meta: TMeta, networks: Record<string, tf.LayersModel>): Promise<void> {
  await writeDirAtomic(dir, async (tmp) => {
    const files: Record<string, string> = {};
    for (const [name, net] of Object.entries(networks)) Object.assign(files, await saveNetwork(net, tmp, name));
    const manifest: ModelFolderManifest<TMeta> = { format: 'headstart-model', formatVersion: MODEL_FORMAT_VERSION, coreVersion: CORE_VERSION, task, savedAt: new Date().toISOString(), meta, files };
    await writeFileAtomic(join(tmp, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
  });
}

/** Reads and checks a model folder's manifest: right format, compatible version, expected task. */
export function readModelManifest<TMeta>(dir: string, task: TaskKind): ModelFolderManifest<TMeta> {
  const path = join(dir, MANIFEST);
  if (!existsSync(dir)) throw new ModelError(`${dir}: model folder not found; create one with \`headstart transfer\``, 'model-missing');
  if (!existsSync(path)) throw new ModelError(`${dir}: not a headstart model folder (no ${MANIFEST}); create one with \`headstart transfer\``, 'model-missing');
  let m: ModelFolderManifest<TMeta>;
  try {
    m = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new ModelError(`${path}: manifest is not valid JSON; the folder is corrupted — re-run \`headstart transfer\``, 'model-corrupt');
  }
  if (m.format !== 'headstart-model') throw new ModelError(`${path}: not a headstart model manifest`, 'model-incompatible');
  if (m.formatVersion !== MODEL_FORMAT_VERSION) {
    throw new ModelError(`${dir}: saved with model format ${m.formatVersion} (headstart ${m.coreVersion}); this headstart ${CORE_VERSION} reads format ${MODEL_FORMAT_VERSION} — re-run \`headstart transfer\` with this version`, 'model-incompatible');
  }
  if (m.task !== task) throw new ModelError(`${dir}: a ${m.task} model, but this command needs a ${task} model`, 'model-incompatible');
  return m;
}

/** Loads the named networks of a checked manifest, verifying each file's sha256. */
export async function loadModelNetworks(dir: string, manifest: ModelFolderManifest<unknown>, names: string[]): Promise<Record<string, tf.LayersModel>> {
  const out: Record<string, tf.LayersModel> = {};
  for (const n of names) out[n] = await loadNetwork(dir, n, manifest.files);
  return out;
}

import type * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { interruptedSave, writeDirAtomic, writeFileAtomic, type DirWriteOptions } from './atomic.js';
import { loadNetwork, saveNetwork } from './layers-io.js';
import { sha256 } from './sha256.js';
import { hasValidDigest, manifestDigest } from './manifest-digest.js';
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
  /** sha256 of each file of the folder. */
  files: Record<string, string>;
  /** sha256 of this manifest's JSON without `digest` (as written): the manifest is checked like every other file. */
  digest?: string;
}


const MANIFEST = 'manifest.json';

/**
 * Writes backbone + head networks, any extra data files (e.g. catalogue statistics) and the manifest
 * into `dir`, atomically (all or nothing). Every file's sha256 goes into the manifest.
 */
export async function saveModelFolder<TMeta>(dir: string, task: TaskKind, meta: TMeta, networks: Record<string, tf.LayersModel>, extraFiles: Record<string, Uint8Array> = {}, o: DirWriteOptions = {}): Promise<void> {
  await writeDirAtomic(dir, async (tmp) => {
    const files: Record<string, string> = {};
    for (const [name, net] of Object.entries(networks)) Object.assign(files, await saveNetwork(net, tmp, name));
    for (const [name, bytes] of Object.entries(extraFiles)) {
      await writeFileAtomic(join(tmp, name), bytes);
      files[name] = sha256(bytes);
    }
    const manifest: ModelFolderManifest<TMeta> = { format: 'headstart-model', formatVersion: MODEL_FORMAT_VERSION, coreVersion: CORE_VERSION, task, savedAt: new Date().toISOString(), meta, files };
    manifest.digest = manifestDigest(manifest);
    await writeFileAtomic(join(tmp, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
  }, o);
}

/** Reads and checks a model folder's manifest: right format, compatible version, and the expected task when given. */
export function readModelManifest<TMeta>(dir: string, task?: TaskKind): ModelFolderManifest<TMeta> {
  const path = join(dir, MANIFEST);
  if (!existsSync(dir)) {
    const aside = interruptedSave(dir);
    if (aside) throw new ModelError(`${dir}: model folder not found, but a save of it was interrupted and its previous version is ${aside}; run the save again (it restores that version first) or rename it back`, 'model-missing');
    throw new ModelError(`${dir}: model folder not found; create one with \`headstart transfer\``, 'model-missing');
  }
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
  if (!hasValidDigest(m)) {
    throw new ModelError(`${path}: the manifest does not match its digest (${m.digest === undefined ? 'none recorded' : 'edited or corrupted'}); a model folder is read only as written — re-run \`headstart transfer\``, 'model-tampered');
  }
  if (typeof m.files !== 'object' || m.files === null) throw new ModelError(`${path}: no file digests; re-run \`headstart transfer\``, 'model-corrupt');
  if (task !== undefined && m.task !== task) throw new ModelError(`${dir}: a ${m.task} model, but this command needs a ${task} model`, 'model-incompatible');
  return m;
}

/** Loads the named networks of a checked manifest, verifying each file's sha256. */
export async function loadModelNetworks(dir: string, manifest: ModelFolderManifest<unknown>, names: string[]): Promise<Record<string, tf.LayersModel>> {
  const out: Record<string, tf.LayersModel> = {};
  for (const n of names) out[n] = await loadNetwork(dir, n, manifest.files);
  return out;
}

/** Reads an extra data file of a model or weights folder, verifying its sha256 against the manifest. */
export function readModelFile(dir: string, manifest: { files: Record<string, string> }, name: string): Uint8Array {
  requirePlainName(dir, name);
  const path = join(dir, name);
  const want = manifest.files[name];
  if (!existsSync(path) || want === undefined) throw new ModelError(`${path}: file missing; the model folder is incomplete — re-run the command that wrote it`, 'model-missing');
  const bytes = readFileSync(path);
  const got = sha256(bytes);
  if (got !== want) {
    throw new ModelError(`${path}: sha256 ${got.slice(0, 12)}… does not match the manifest (${want.slice(0, 12)}…); the file is corrupted or was modified — re-run the command that wrote it`, 'weights-tampered');
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * A file a manifest names must be a plain name inside its folder: a hostile manifest listing
 * `../../x` must not make headstart read (or export) files elsewhere.
 */
export function requirePlainName(dir: string, name: string): void {
  if (!name || name === '.' || name === '..' || /[\\/]/.test(name) || name.includes('\0')) {
    throw new ModelError(`${dir}/manifest.json: lists the file ${JSON.stringify(name)}, which is not a plain file name inside the folder; the folder is corrupted or hostile — re-run the command that wrote it`, 'model-corrupt');
  }
}

/** A model folder trained on one backbone version cannot run on another: its weights belong to that architecture. */
export function requireBackboneVersion(dir: string, saved: { id: string; version: string }, installed: string, command: string): void {
  if (installed !== saved.version) {
    throw new ModelError(`${dir}: trained on ${saved.id} v${saved.version}, but the installed ${saved.id} is v${installed}; re-run \`${command}\` with this version`, 'model-incompatible');
  }
}

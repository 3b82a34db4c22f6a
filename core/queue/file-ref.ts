import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sha256File } from '../io/sha256.js';
import { DataError, ModelError } from '../errors.js';

/**
 * A file a job reads, by path and content: workers read it where every one of them can (a shared
 * disk mounted at the same path) and check the sha256 before use, so a stale or different copy
 * fails the job instead of giving other numbers.
 */
export interface FileRef {
  path: string;
  sha256: string;
}

/** Digests by path, size and mtime: a worker hashes a large input once, not once per shard. */
const digests = new Map<string, { key: string; sha256: string }>();

async function digestOf(path: string): Promise<string> {
  const st = statSync(path);
  const key = `${st.size}:${st.mtimeMs}`;
  const known = digests.get(path);
  if (known?.key === key) return known.sha256;
  const sha256 = await sha256File(path);
  digests.set(path, { key, sha256 });
  return sha256;
}

/** The reference a submitting command puts in a job: the absolute path (workers have other working folders) and the sha256. */
export async function fileRef(path: string): Promise<FileRef> {
  const abs = resolve(path);
  return { path: abs, sha256: await digestOf(abs) };
}

/**
 * A model folder is pinned by its manifest: the manifest holds every other file's sha256 (and its
 * own digest) and loading checks each, so the manifest's sha256 fixes the whole folder.
 */
export async function modelFolderRef(dir: string): Promise<FileRef> {
  const abs = resolve(dir);
  return { path: abs, sha256: await digestOf(join(abs, 'manifest.json')) };
}

/** Checks, on the worker, that a data file is the one the job was submitted with. */
export async function verifyFileRef(ref: FileRef, what = 'file'): Promise<string> {
  if (!existsSync(ref.path)) throw new DataError(`${ref.path}: ${what} not found on this worker; workers read inputs by path, so put them on a disk every worker mounts at the same path`, 'file-missing');
  const got = await digestOf(ref.path);
  if (got !== ref.sha256) throw new DataError(`${ref.path}: sha256 ${got.slice(0, 12)}… differs from the submitted ${what} (${ref.sha256.slice(0, 12)}…); every worker must read the same file, unchanged until the run ends`, 'file-changed');
  return ref.path;
}

/** Checks, on the worker, that a model folder is the one the job was submitted with (see modelFolderRef). */
export async function verifyModelFolderRef(ref: FileRef): Promise<string> {
  const manifest = join(ref.path, 'manifest.json');
  if (!existsSync(manifest)) throw new ModelError(`${ref.path}: model folder not found on this worker; workers read models by path, so put it on a disk every worker mounts at the same path`, 'model-missing');
  const got = await digestOf(manifest);
  if (got !== ref.sha256) throw new ModelError(`${ref.path}: the model folder differs from the submitted one (manifest sha256 ${got.slice(0, 12)}…, submitted ${ref.sha256.slice(0, 12)}…); every worker must read the same folder, unchanged until the run ends`, 'model-changed');
  return ref.path;
}

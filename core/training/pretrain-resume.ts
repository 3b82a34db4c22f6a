import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeDirAtomic, writeFileAtomic } from '../io/atomic.js';
import { sha256 } from '../io/sha256.js';
import { UsageError } from '../errors.js';

/**
 * Everything a pretraining run needs to continue exactly where a checkpoint left it: the live
 * variables (not the averaged ones the weights folder holds), the optimiser's moments, the weight
 * average's shadow, the data sampler's random state and the loop's counters. It lives beside the
 * weights folder (`<out>.resume/`), not in it, so shipped weights do not carry optimiser state.
 */
export interface ResumeCounters {
  step: number;
  trainEma: number;
  wallSeconds: number;
  averageUpdates: number;
  /** Random state of the data sampler, when the pretrainer exposes it (bit-identical continuation). */
  samplerState?: number;
  /** Each replica's sampler state, rank after rank, in a data-parallel run. */
  samplerStates?: number[];
  /** The run's settings: a resume under other settings would not be the same run. */
  settings: Record<string, unknown>;
}

const STATE_FILE = 'state.json';
const TENSORS_FILE = 'tensors.bin';

export function resumeDir(out: string): string {
  return `${out.replace(/[\\/]+$/, '')}.resume`;
}

export async function saveResumeState(dir: string, counters: ResumeCounters, groups: Record<string, tf.Tensor[]>): Promise<void> {
  const index: Record<string, { shape: number[]; offset: number; length: number }[]> = {};
  const chunks: Float32Array[] = [];
  let offset = 0;
  for (const [name, tensors] of Object.entries(groups)) {
    index[name] = [];
    for (const t of tensors) {
      const data = (await t.data()) as Float32Array;
      chunks.push(Float32Array.from(data));
      index[name]!.push({ shape: t.shape, offset, length: data.length });
      offset += data.length;
    }
  }
  const all = new Float32Array(offset);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  const bytes = new Uint8Array(all.buffer);
  await writeDirAtomic(dir, async (tmp) => {
    await writeFileAtomic(join(tmp, TENSORS_FILE), bytes);
    await writeFileAtomic(join(tmp, STATE_FILE), JSON.stringify({ ...counters, index, sha256: sha256(bytes) }, null, 2) + '\n');
  });
}

export interface LoadedResumeState {
  counters: ResumeCounters;
  groups: Record<string, tf.Tensor[]>;
}

/** Reads a resume folder; a missing, tampered or mismatched one is a one-line UsageError. */
export function loadResumeState(dir: string, settings: Record<string, unknown>): LoadedResumeState {
  const statePath = join(dir, STATE_FILE);
  if (!existsSync(statePath)) throw new UsageError(`${dir}: no resume state (${STATE_FILE}); run without --resume to start afresh`, 'no-resume-state');
  const state = JSON.parse(readFileSync(statePath, 'utf8')) as ResumeCounters & { index: Record<string, { shape: number[]; offset: number; length: number }[]>; sha256: string };
  const bytes = readFileSync(join(dir, TENSORS_FILE));
  if (sha256(bytes) !== state.sha256) throw new UsageError(`${dir}: ${TENSORS_FILE} does not match its sha256; the resume state is damaged — start afresh without --resume`, 'resume-corrupt');
  const changed = Object.keys(settings).find((k) => JSON.stringify(settings[k]) !== JSON.stringify(state.settings[k]));
  if (changed) {
    throw new UsageError(`${dir}: the run being resumed had ${changed}=${JSON.stringify(state.settings[changed])}, this one ${JSON.stringify(settings[changed])}; resume with the same settings`, 'resume-mismatch');
  }
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const groups: Record<string, tf.Tensor[]> = {};
  for (const [name, entries] of Object.entries(state.index)) {
    groups[name] = entries.map((e) => tf.tensor(floats.subarray(e.offset, e.offset + e.length), e.shape, 'float32'));
  }
  const { index: _index, sha256: _sha, ...counters } = state;
  return { counters, groups };
}

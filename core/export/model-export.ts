/**
 * Export of a model folder to safetensors, the weights format PyTorch, NumPy, JAX and Rust tools
 * read. Saved models use headstart's own layer classes, so plain tfjs (and converters that start
 * from a Keras or tfjs graph) cannot open them; their weights, though, are plain tensors. The
 * export carries every network's weights under `<network>/<weight name>`, the other data files of
 * the folder (catalogue statistics…) as bytes under `files/<name>`, and in its metadata the
 * folder's manifest and each network's layer topology, so another implementation of the same
 * architecture can rebuild the model (benchmarks/twins does so in PyTorch for the throughput
 * comparison). Nothing is rebuilt or run here: it needs no plugin to be installed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readModelFile, readModelManifest, requirePlainName } from '../io/model-folder.js';
import { readWeightsManifest, WEIGHTS_MANIFEST } from '../io/weights-manifest.js';
import { encodeSafetensors, type SafetensorsDtype, type SafetensorsEntry } from '../io/safetensors.js';
import { ModelError } from '../errors.js';

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
}

const DTYPES: Record<string, SafetensorsDtype> = { float32: 'F32', int32: 'I32' };

export interface ExportSummary {
  /** The model's task, or `weights of <backbone>` for a pretrain weights folder. */
  task: string;
  networks: string[];
  tensors: number;
  parameters: number;
  files: string[];
  bytes: Uint8Array;
}

/** A transfer model folder's manifest, or a pretrain weights folder's, each checked by its own reader. */
function folderManifest(dir: string): { kind: string; format: string; files: Record<string, string>; text: string } {
  const path = join(dir, WEIGHTS_MANIFEST);
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  let raw: { format?: unknown } | undefined;
  try {
    raw = text ? (JSON.parse(text) as { format?: unknown }) : undefined;
  } catch {
    raw = undefined; // the model reader names the problem
  }
  if (raw && raw.format === undefined && 'backbone' in raw) {
    const w = readWeightsManifest(dir);
    return { kind: `weights of ${w.backbone}`, format: 'headstart-weights', files: w.files, text };
  }
  const m = readModelManifest<unknown>(dir);
  return { kind: m.task, format: 'headstart-model', files: m.files, text };
}

/** Reads a model or weights folder (every file verified against its manifest) and encodes it as safetensors. */
export function exportModelFolder(dir: string): ExportSummary {
  const manifest = folderManifest(dir);
  const names = Object.keys(manifest.files);
  for (const n of names) requirePlainName(dir, n);
  const networks = names.filter((f) => f.endsWith('.json') && names.includes(f.replace(/\.json$/, '.weights.bin'))).map((f) => f.replace(/\.json$/, ''));
  const tensors: Record<string, SafetensorsEntry> = {};
  const metadata: Record<string, string> = { format: manifest.format, task: manifest.kind, manifest: manifest.text };
  let parameters = 0;
  for (const net of networks) {
    const json = JSON.parse(Buffer.from(readModelFile(dir, manifest, `${net}.json`)).toString('utf8')) as { modelTopology: unknown; weightsManifest: { weights: WeightSpec[] }[] };
    const weights = readModelFile(dir, manifest, `${net}.weights.bin`);
    metadata[`topology/${net}`] = JSON.stringify(json.modelTopology);
    let at = 0;
    for (const spec of json.weightsManifest.flatMap((g) => g.weights)) {
      const dtype = DTYPES[spec.dtype];
      if (!dtype) throw new ModelError(`${dir}/${net}.json: weight ${spec.name} has dtype ${spec.dtype}, which the export does not write (float32, int32)`, 'model-incompatible');
      const count = spec.shape.reduce((a, b) => a * b, 1);
      const size = count * 4;
      if (at + size > weights.byteLength) throw new ModelError(`${dir}/${net}.weights.bin: shorter than its weight list says; the folder is corrupted — re-run the command that wrote it`, 'model-corrupt');
      tensors[`${net}/${spec.name}`] = { dtype, shape: spec.shape, data: weights.slice(at, at + size) };
      at += size;
      if (dtype === 'F32') parameters += count;
    }
  }
  const files = names.filter((f) => !networks.some((n) => f === `${n}.json` || f === `${n}.weights.bin`));
  for (const f of files) {
    const data = readModelFile(dir, manifest, f);
    tensors[`files/${f}`] = { dtype: 'U8', shape: [data.byteLength], data };
  }
  return { task: manifest.kind, networks, tensors: Object.keys(tensors).length, parameters, files, bytes: encodeSafetensors(tensors, metadata) };
}

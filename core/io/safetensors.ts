/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
 * naming each tensor's dtype, shape and byte range, then the raw little-endian bytes. Read by the
 * `safetensors` packages for Python (PyTorch, NumPy, JAX), Rust and others. Written here in a few
 * lines because the format is that small and the npm packages for it are unmaintained or
 * read-only.
 */

export type SafetensorsDtype = 'F32' | 'I32' | 'U8';

export interface SafetensorsEntry {
  dtype: SafetensorsDtype;
  shape: number[];
  data: Uint8Array;
}

const BYTES: Record<SafetensorsDtype, number> = { F32: 4, I32: 4, U8: 1 };

/** Encodes tensors (in name order, as the format recommends) and string metadata into one buffer. */
export function encodeSafetensors(tensors: Record<string, SafetensorsEntry>, metadata: Record<string, string> = {}): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const name of names) {
    const t = tensors[name]!;
    const want = t.shape.reduce((a, b) => a * b, 1) * BYTES[t.dtype];
    if (t.data.byteLength !== want) throw new Error(`safetensors: ${name} has ${t.data.byteLength} bytes, but ${t.dtype}[${t.shape.join(',')}] needs ${want}`);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + want] };
    offset += want;
  }
  let json = JSON.stringify(header);
  // The data starts 8-byte aligned, so readers can map it in place.
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const head = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + head.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.byteLength), true);
  out.set(head, 8);
  let at = 8 + head.byteLength;
  for (const name of names) {
    out.set(tensors[name]!.data, at);
    at += tensors[name]!.data.byteLength;
  }
  return out;
}

/** Decodes a safetensors buffer (what encodeSafetensors writes, or any file of these dtypes). */
export function decodeSafetensors(bytes: Uint8Array): { tensors: Record<string, SafetensorsEntry>; metadata: Record<string, string> } {
  if (bytes.byteLength < 8) throw new Error('safetensors: shorter than its 8-byte header length');
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (8 + length > bytes.byteLength) throw new Error(`safetensors: header of ${length} bytes runs past the end of the file`);
  const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + length)).toString('utf8')) as Record<string, { dtype: SafetensorsDtype; shape: number[]; data_offsets: [number, number] }>;
  const base = 8 + length;
  const tensors: Record<string, SafetensorsEntry> = {};
  let metadata: Record<string, string> = {};
  for (const [name, v] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = v as unknown as Record<string, string>;
      continue;
    }
    const [from, to] = v.data_offsets;
    tensors[name] = { dtype: v.dtype, shape: v.shape, data: bytes.slice(base + from, base + to) };
  }
  return { tensors, metadata };
}

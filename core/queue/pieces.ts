/**
 * The ranges [start, stop) that cover a shard's items first..first+count, cut at multiples of
 * `batch` counted from the file's first item. A model that predicts in batches of `batch` from the
 * first item it is given then sees, piece by piece, the very batches of a local run over the whole
 * file, so a sharded run's numbers match the local run's to the last bit.
 */
export function alignedPieces(first: number, count: number, batch: number): [number, number][] {
  const out: [number, number][] = [];
  const end = first + count;
  for (let start = first; start < end;) {
    const stop = Math.min(end, (Math.floor(start / batch) + 1) * batch);
    out.push([start, stop]);
    start = stop;
  }
  return out;
}

/** Lets timers run between pieces of synchronous work: BullMQ renews the job's lock on one. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

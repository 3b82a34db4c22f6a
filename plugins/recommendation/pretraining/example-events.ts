import { Rng } from '../../../core/random.js';

/**
 * A small events log, as CSV text (user_id,item_id,timestamp): `users` users of 5–10 events each
 * over `items` items, whose next item is usually the last one + 1. What a pretrainer's
 * `exampleOptions` pretrains on, and the tests' events.
 */
export function exampleEventsCsv(users: number, items: number, seed: number, prefix = { user: 'u', item: 'i' }): string {
  const rng = new Rng(seed);
  const lines = ['user_id,item_id,timestamp'];
  for (let u = 0; u < users; u++) {
    const n = 5 + rng.int(6);
    let item = rng.int(items);
    for (let t = 0; t < n; t++) {
      lines.push(`${prefix.user}${u},${prefix.item}${item},${1_600_000_000 + u * 100_000 + t * 3600}`);
      item = rng.next() < 0.8 ? (item + 1) % items : rng.int(items);
    }
  }
  return `${lines.join('\n')}\n`;
}

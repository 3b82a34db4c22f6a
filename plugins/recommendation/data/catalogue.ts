import { DataError, ModelError } from '../../../core/errors.js';
import { Rng } from '../../../core/random.js';
import type { EventsDataset, UserSequence } from '../contracts.js';

/** Below this share of events with known items, a file is taken to be of another catalogue. */
export const MIN_KNOWN_SHARE = 0.5;

export interface CatalogueMapping {
  /** The events re-indexed to the model's catalogue; unknown items removed. */
  dataset: EventsDataset;
  /** Events whose item is not in the model's catalogue (removed). */
  unknownEvents: number;
  /** Distinct unknown item ids. */
  unknownItems: number;
}

export interface MapCatalogueOptions {
  /** The model folder (named in the errors). */
  model: string;
  /** Unknown items are an error instead of being removed and counted. */
  strict?: boolean;
}

/**
 * Re-indexes a loaded events file to a trained model's catalogue (item ids as strings). Unknown items
 * are dropped and counted, or rejected under `strict`; a file where most events are unknown is from
 * another catalogue, and the model cannot score it.
 */
export function mapToCatalogue(dataset: EventsDataset, catalogue: readonly string[], o: MapCatalogueOptions): CatalogueMapping {
  const index = new Map<string, number>();
  catalogue.forEach((id, i) => index.set(id, i));
  const toModel = dataset.items.map((id) => index.get(id) ?? -1);
  let unknownEvents = 0;
  const unknown = new Set<number>();
  const users = dataset.users.map((u): UserSequence => {
    const keep: number[] = [];
    u.items.forEach((item, i) => {
      if (toModel[item]! >= 0) keep.push(i);
      else {
        unknownEvents++;
        unknown.add(item);
        if (o.strict) {
          throw new DataError(`${dataset.source}: item '${dataset.items[item]}' (user '${u.user}') is not in the catalogue of model ${o.model}; remove it, or drop --strict to ignore unknown items (they are counted)`, 'unknown-item');
        }
      }
    });
    const out: UserSequence = { user: u.user, items: keep.map((i) => toModel[u.items[i]!]!) };
    if (u.times) out.times = keep.map((i) => u.times![i]!);
    if (u.types) out.types = keep.map((i) => u.types![i]!);
    return out;
  });
  const known = dataset.events - unknownEvents;
  if (dataset.events > 0 && known / dataset.events < MIN_KNOWN_SHARE) {
    throw new ModelError(
      `${dataset.source}: only ${known} of ${dataset.events} events (${((100 * known) / dataset.events).toFixed(1)}%) have items from the catalogue of model ${o.model} (${catalogue.length} items); the model was trained on another catalogue — train one on this data with \`headstart transfer recommend\``,
      'catalogue-mismatch',
    );
  }
  const notices = [...dataset.notices];
  if (unknownEvents > 0) notices.push(`${unknownEvents} event(s) of ${unknown.size} item(s) not in the model's catalogue were ignored (use --strict to reject them)`);
  return { dataset: { ...dataset, items: catalogue.slice(), users, events: known, notices }, unknownEvents, unknownItems: unknown.size };
}

/**
 * A seeded sample of `users` users with only the items they touch, re-indexed in order of first
 * appearance (a smaller catalogue ranks faster; `assess` estimates on it).
 */
export function sampleUsers(dataset: EventsDataset, users: number, seed: number): EventsDataset {
  if (users >= dataset.users.length) return dataset;
  const chosen = new Rng(seed).shuffle(dataset.users.map((_, i) => i)).slice(0, users).sort((a, b) => a - b);
  const index = new Map<number, number>();
  const items: string[] = [];
  let events = 0;
  const sampled = chosen.map((u): UserSequence => {
    const s = dataset.users[u]!;
    events += s.items.length;
    const out: UserSequence = {
      user: s.user,
      items: s.items.map((i) => {
        let j = index.get(i);
        if (j === undefined) index.set(i, (j = items.push(dataset.items[i]!) - 1));
        return j;
      }),
    };
    if (s.times) out.times = s.times.slice();
    if (s.types) out.types = s.types.slice();
    return out;
  });
  const notices = [...dataset.notices, `a seeded sample of ${users} of ${dataset.users.length} users (seed ${seed}), ${items.length} of ${dataset.items.length} items`];
  return { ...dataset, items, users: sampled, events, notices };
}

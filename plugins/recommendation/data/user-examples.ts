import * as tf from '@tensorflow/tfjs';
import type { Batch, ExampleSet } from '../../../core/interfaces/index.js';
import type { EventsDataset, RecommendInput } from '../contracts.js';
import { DataError, UsageError } from '../../../core/errors.js';
import { readTextFile } from '../../../core/io/read-text.js';
import { Rng } from '../../../core/random.js';
import { listColumns, parseDelimited, quote, type DelimitedTable } from './delimited.js';
import { packHistories, type FeaturizedHistory } from './examples.js';
import { EVENT_FEATURES, type EventFeaturizer } from './features.js';

/** One user's labelled history: the events the model reads and the class to predict. */
export interface LabelledHistory {
  /** Index into EventsDataset.users. */
  user: number;
  /** Catalogue indices of the events the model reads, in order (at least one). */
  items: number[];
  /** Seconds since the epoch of each event, when known. */
  times?: number[];
  /** Class index into the label set's `classes`. */
  label: number;
}

/** Users of an events log with one class each: the data of a user-level task. */
export interface UserLabelSet {
  /** Where the labels came from (a file, or the derived task), for messages and reports. */
  source: string;
  /** Size of the events' catalogue (the item indices of the histories). */
  catalogueSize: number;
  /** Class names; a row's label indexes them. */
  classes: string[];
  rows: LabelledHistory[];
  notices: string[];
}

/** Train / validation / test users of a label set (disjoint users). */
export interface UserLevelSplit {
  catalogueSize: number;
  classes: string[];
  train: LabelledHistory[];
  validation: LabelledHistory[];
  test: LabelledHistory[];
  notices: string[];
}

export interface ReturnLabelOptions {
  /** Events observed per user: the model's input is the user's first `observe` events. */
  observe: number;
  /** The user "returns" when they have at least `horizon` more events after those. */
  horizon: number;
}

/** Class names of the returns task; index 1 (the positive class) is "returns". */
export const RETURN_CLASSES = ['no-return', 'returns'];

/**
 * The "returns" task, derived from any events log: does the user come back for `horizon` more
 * events after their first `observe`? For each user with at least `observe` events the input is
 * their first `observe` events, the label 1 when they have at least `horizon` events after those,
 * else 0. Users with fewer than `observe` events are counted and left out. (On a k-core filtered
 * log every user has at least k events: choose observe ≥ k, or every label is 1.)
 */
export function userReturnLabels(dataset: EventsDataset, o: ReturnLabelOptions): UserLabelSet {
  for (const [name, v] of [['observe', o.observe], ['horizon', o.horizon]] as const) {
    if (!(Number.isInteger(v) && v >= 1)) throw new UsageError(`returns task: ${name} must be a whole number ≥ 1, got ${v}`);
  }
  const rows: LabelledHistory[] = [];
  let short = 0;
  const positives = [0, 0];
  dataset.users.forEach((u, i) => {
    if (u.items.length < o.observe) {
      short++;
      return;
    }
    const label = u.items.length - o.observe >= o.horizon ? 1 : 0;
    positives[label]!++;
    const row: LabelledHistory = { user: i, items: u.items.slice(0, o.observe), label };
    if (u.times) row.times = u.times.slice(0, o.observe);
    rows.push(row);
  });
  if (rows.length === 0) throw new DataError(`${dataset.source}: no user has the ${o.observe} events the returns task observes; lower observe`, 'too-short');
  const notices = [`returns task: ${positives[1]} of ${rows.length} users have ≥ ${o.horizon} more events after their first ${o.observe}`];
  if (short > 0) notices.push(`${short} user(s) with fewer than ${o.observe} events are left out`);
  if (positives[0] === 0 || positives[1] === 0) notices.push(`every label is ${positives[1] === 0 ? 0 : 1}: nothing to learn (a k-core log has ≥ k events per user; raise observe)`);
  return { source: `${dataset.source} (returns: observe ${o.observe}, horizon ${o.horizon})`, catalogueSize: dataset.items.length, classes: RETURN_CLASSES.slice(), rows, notices };
}

export interface UserLabelLoadOptions {
  /** User-id column; default 'user_id' (also found: userId, user). */
  userColumn?: string;
  /** Label column; default 'label' (also found: class, target). */
  labelColumn?: string;
  /** Read only each user's first `observe` events (default: the whole history). */
  observe?: number;
}

const LABEL_FALLBACKS = { user: ['user_id', 'userid', 'user'], label: ['label', 'class', 'target'] };

function labelColumn(t: DelimitedTable, given: string | undefined, fallbacks: readonly string[], role: string, option: string): number {
  const norm = (s: string) => s.trim().toLowerCase();
  const i = given !== undefined ? t.columns.findIndex((c) => c === given || norm(c) === norm(given)) : t.columns.findIndex((c) => fallbacks.includes(norm(c)));
  if (i >= 0) return i;
  const wanted = given !== undefined ? `'${given}'` : `(looked for ${fallbacks.join(', ')})`;
  throw new DataError(`${t.file}: no ${role} column ${wanted}; columns found: ${listColumns(t.columns)}; set ${option} to map it`);
}

/**
 * User-given labels: a CSV of `user_id,label` rows joined to an events log. String labels become
 * class indices in sorted order (numbers numerically: '0' < '1' < '10'). Label rows naming a user
 * the events do not have are counted and skipped; a user named twice, an empty label or a missing
 * column is a DataError naming the file, line and column.
 */
export async function loadUserLabels(path: string, dataset: EventsDataset, o: UserLabelLoadOptions = {}): Promise<UserLabelSet> {
  const text = await readTextFile(path, { kind: 'labels file', path: 'the .csv file', content: 'one user_id,label row per user' });
  return userLabelsFromTable(parseDelimited(text, path, ','), dataset, o);
}

/** loadUserLabels on a parsed table (tests and in-memory callers). */
export function userLabelsFromTable(t: DelimitedTable, dataset: EventsDataset, o: UserLabelLoadOptions = {}): UserLabelSet {
  const f = t.file;
  const userCol = labelColumn(t, o.userColumn, LABEL_FALLBACKS.user, 'user', 'userColumn');
  const labelCol = labelColumn(t, o.labelColumn, LABEL_FALLBACKS.label, 'label', 'labelColumn');
  if (o.observe !== undefined && !(Number.isInteger(o.observe) && o.observe >= 1)) throw new UsageError(`observe must be a whole number ≥ 1, got ${o.observe}`);
  if (t.lines.length === 0) throw new DataError(`${f}: the file has a header but no labels`);
  const userIndex = new Map(dataset.users.map((u, i) => [u.user, i]));
  const lineOf = new Map<string, number>();
  const found: { user: number; label: string }[] = [];
  let unknown = 0;
  for (let r = 0; r < t.lines.length; r++) {
    const line = t.lines[r]!;
    const user = t.cells[userCol]![r]!.trim();
    if (user === '') throw new DataError(`${f}: line ${line}, column '${t.columns[userCol]}': empty user id; every row needs one`);
    const label = t.cells[labelCol]![r]!.trim();
    if (label === '') throw new DataError(`${f}: line ${line}, column '${t.columns[labelCol]}': empty label for user ${quote(user)}; every row needs one`);
    const first = lineOf.get(user);
    if (first !== undefined) throw new DataError(`${f}: line ${line}, column '${t.columns[userCol]}': user ${quote(user)} already has a label on line ${first}; give each user one label`, 'duplicate-rows');
    lineOf.set(user, line);
    const u = userIndex.get(user);
    if (u === undefined) {
      unknown++;
      continue;
    }
    found.push({ user: u, label });
  }
  if (found.length === 0) throw new DataError(`${f}: none of its ${t.lines.length} user(s) appear in ${dataset.source}; check that both files use the same user ids`);
  const classes = [...new Set(found.map((x) => x.label))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const classOf = new Map(classes.map((c, i) => [c, i]));
  const cut = (xs: number[]) => (o.observe !== undefined ? xs.slice(0, o.observe) : xs.slice());
  const rows = found.map(({ user, label }): LabelledHistory => {
    const u = dataset.users[user]!;
    const row: LabelledHistory = { user, items: cut(u.items), label: classOf.get(label)! };
    if (u.times) row.times = cut(u.times);
    return row;
  });
  const notices: string[] = [];
  if (unknown > 0) notices.push(`${unknown} label row(s) name users not in ${dataset.source}; skipped`);
  const unlabelled = dataset.users.length - found.length;
  if (unlabelled > 0) notices.push(`${unlabelled} user(s) of the events have no label; left out`);
  if (classes.length < 2) notices.push(`every user has the label ${quote(classes[0]!)}: nothing to learn`);
  return { source: f, catalogueSize: dataset.items.length, classes, rows, notices };
}

export interface UserSplitOptions {
  /** Share of users in validation; default 0.2. */
  validation?: number;
  /** Share of users in test; default 0.2. */
  test?: number;
  seed?: number;
}

/** Splits a label set's users by a seeded shuffle (default 60/20/20); no user is in two parts. */
export function splitUsers(set: UserLabelSet, o: UserSplitOptions = {}): UserLevelSplit {
  const vf = o.validation ?? 0.2;
  const tf_ = o.test ?? 0.2;
  if (!(vf > 0 && tf_ > 0 && vf + tf_ < 1)) throw new UsageError(`user split shares must satisfy 0 < validation, 0 < test, validation + test < 1 (got ${vf}, ${tf_})`);
  const n = set.rows.length;
  if (n < 3) throw new DataError(`${set.source}: ${n} labelled user(s); a train / validation / test split needs at least 3`, 'too-short');
  const order = new Rng(o.seed ?? 42).shuffle(set.rows.map((_, i) => i));
  const nTest = Math.max(1, Math.round(tf_ * n));
  const nVal = Math.max(1, Math.round(vf * n));
  const pick = (from: number, to: number) => order.slice(from, to).map((i) => set.rows[i]!);
  return {
    catalogueSize: set.catalogueSize,
    classes: set.classes,
    test: pick(0, nTest),
    validation: pick(nTest, nTest + nVal),
    train: pick(nTest + nVal, n),
    notices: [...set.notices, `users: ${n - nTest - nVal} train, ${nVal} validation, ${nTest} test (seed ${o.seed ?? 42})`],
  };
}

/**
 * User-level examples: one per user, the user's history (its last contextLength events, features
 * computed over the whole history, as for next-item ranking cases) -> class index. Batches are
 * packed exactly like next-item batches (packHistories), so the backbone sees the same input.
 */
export class UserExamples implements ExampleSet<RecommendInput> {
  readonly size: number;

  private constructor(
    private readonly sources: FeaturizedHistory[],
    /** Class index per example. */
    readonly labels: Int32Array,
    private readonly contextLength: number,
  ) {
    this.size = sources.length;
  }

  static fromHistories(rows: readonly Pick<LabelledHistory, 'items' | 'times' | 'label'>[], featurizer: EventFeaturizer, o: { contextLength: number }): UserExamples {
    const L = o.contextLength;
    const F = EVENT_FEATURES;
    const sources = rows.map((r, i): FeaturizedHistory => {
      if (r.items.length === 0) throw new UsageError(`user example ${i} has no events; every user needs at least one`, 'too-short');
      const feats = featurizer.featurize(r.items, r.times);
      const from = Math.max(0, r.items.length - L);
      return { items: Int32Array.from(r.items.slice(from)), features: feats.slice(from * F) };
    });
    return new UserExamples(sources, Int32Array.from(rows, (r) => r.label), L);
  }

  batch(indices: number[]): Batch<RecommendInput> {
    const histories = indices.map((e) => this.sources[e]!);
    const input: RecommendInput = packHistories(histories, histories.map((h) => h.items.length), this.contextLength);
    return { input, target: tf.tensor1d(Int32Array.from(indices, (e) => this.labels[e]!), 'int32') };
  }
}

import { DataError, UsageError } from '../../../core/errors.js';
import type { EventsDataset, EventsSplit, RankingCase } from '../contracts.js';
import { Rng } from '../../../core/random.js';

/**
 * Leave-one-out (SASRec / RecBole convention): per user, the last event is the test target, the
 * second-last the validation target, the rest trains. Users with fewer than 3 events only train.
 */
export function leaveOneOut(dataset: EventsDataset): EventsSplit {
  const train: number[][] = [];
  const trainTimes: number[][] = [];
  const beforeTest: number[][] = [];
  const validation: RankingCase[] = [];
  const test: RankingCase[] = [];
  let short = 0;
  dataset.users.forEach((u, i) => {
    const n = u.items.length;
    if (n < 3) {
      short++;
      train.push(u.items.slice());
      beforeTest.push(u.items.slice());
      if (u.times) trainTimes.push(u.times.slice());
      return;
    }
    train.push(u.items.slice(0, n - 2));
    beforeTest.push(u.items.slice(0, n - 1));
    if (u.times) trainTimes.push(u.times.slice(0, n - 2));
    validation.push(withTimes({ user: i, history: u.items.slice(0, n - 2), target: u.items[n - 2]! }, u.times, n - 2));
    test.push(withTimes({ user: i, history: u.items.slice(0, n - 1), target: u.items[n - 1]! }, u.times, n - 1));
  });
  if (test.length === 0) {
    throw new DataError(`${dataset.source}: no user has the 3 events leave-one-out needs (train, validation, test); every sequence is too short to evaluate`, 'too-short');
  }
  const notices = short > 0 ? [`${short} user(s) with fewer than 3 events only contribute training data`] : [];
  const split: EventsSplit = { kind: 'leave-one-out', train, beforeTest, validation, test, notices };
  if (trainTimes.length === train.length) split.trainTimes = trainTimes;
  return split;
}

function withTimes(c: RankingCase, times: number[] | undefined, targetAt: number): RankingCase {
  if (times) {
    c.times = times.slice(0, targetAt);
    c.targetTime = times[targetAt]!;
  }
  return c;
}

export interface TemporalSplitOptions {
  /** Share of all events (by time) in the validation window; default 0.1. */
  validationFraction?: number;
  /** Share of all events (by time) in the test window; default 0.1. */
  testFraction?: number;
}

/**
 * Global temporal split: two cut times chosen so the last `testFraction` of all events (by time) are
 * test and the `validationFraction` before them validation. Training is every event before the first
 * cut; a user's validation case is their first event in the validation window, the test case their
 * first event in the test window, each with every earlier event of theirs as history. Users with no
 * history before a window's first event cannot be ranked there and are counted.
 */
export function temporalSplit(dataset: EventsDataset, options: TemporalSplitOptions = {}): EventsSplit {
  const vf = options.validationFraction ?? 0.1;
  const tf = options.testFraction ?? 0.1;
  if (!(vf >= 0 && tf > 0 && vf + tf < 1)) throw new UsageError(`temporal split fractions must satisfy 0 <= validation, 0 < test, validation + test < 1 (got ${vf}, ${tf})`);
  if (dataset.users.some((u) => !u.times)) {
    throw new DataError(`${dataset.source}: a temporal split needs timestamps; the file has none — pass --timestamp-column <column> or use the leave-one-out split`);
  }
  const all = new Float64Array(dataset.events);
  let k = 0;
  for (const u of dataset.users) for (const t of u.times!) all[k++] = t;
  all.sort();
  const at = (q: number) => all[Math.min(all.length - 1, Math.max(0, Math.floor(q * all.length)))]!;
  const testCut = at(1 - tf);
  const valCut = vf > 0 ? at(1 - tf - vf) : testCut;
  const train: number[][] = [];
  const trainTimes: number[][] = [];
  const beforeTest: number[][] = [];
  const validation: RankingCase[] = [];
  const test: RankingCase[] = [];
  let coldVal = 0;
  let coldTest = 0;
  dataset.users.forEach((u, i) => {
    const times = u.times!;
    const firstVal = times.findIndex((t) => t >= valCut);
    const nTrain = firstVal < 0 ? times.length : firstVal;
    train.push(u.items.slice(0, nTrain));
    trainTimes.push(times.slice(0, nTrain));
    if (firstVal >= 0 && times[firstVal]! < testCut) {
      if (firstVal === 0) coldVal++;
      else validation.push(withTimes({ user: i, history: u.items.slice(0, firstVal), target: u.items[firstVal]! }, times, firstVal));
    }
    const firstTest = times.findIndex((t) => t >= testCut);
    beforeTest.push(u.items.slice(0, firstTest < 0 ? times.length : firstTest));
    if (firstTest >= 0) {
      if (firstTest === 0) coldTest++;
      else test.push(withTimes({ user: i, history: u.items.slice(0, firstTest), target: u.items[firstTest]! }, times, firstTest));
    }
  });
  if (test.length === 0) {
    throw new DataError(`${dataset.source}: no user has events both before and after the test cut (${new Date(testCut * 1000).toISOString()}); the temporal split leaves nothing to evaluate — use the leave-one-out split`, 'too-short');
  }
  const notices = [`temporal split: validation from ${new Date(valCut * 1000).toISOString()}, test from ${new Date(testCut * 1000).toISOString()}`];
  if (coldVal + coldTest > 0) notices.push(`${coldVal} validation and ${coldTest} test user(s) have no earlier events and are not ranked`);
  return { kind: 'temporal', train, trainTimes, beforeTest, validation, test, notices };
}

/**
 * Keeps the training sequences of a seeded `fraction` of the users that have any (the rest train
 * nothing), for data-savings experiments; validation keeps only those users' cases, test keeps all.
 * With `heldOutValidation` > 0, that share of the chosen users only validates: their events count in
 * the test-time statistics but are never trained on, so validation users are unseen by training as
 * most test users are (else the combination with counting and the kept epoch are chosen on users the
 * model has fit, which the test population mostly is not).
 */
export function restrictTrainingUsers(split: EventsSplit, fraction: number, seed: number, heldOutValidation = 0): EventsSplit {
  if (!(fraction > 0 && fraction <= 1)) throw new UsageError(`training fraction must be in (0, 1], got ${fraction}`);
  if (!(heldOutValidation >= 0 && heldOutValidation < 1)) throw new UsageError(`held-out validation share must be in [0, 1), got ${heldOutValidation}`);
  const candidates = split.train.map((s, i) => (s.length > 0 ? i : -1)).filter((i) => i >= 0);
  const shuffled = new Rng(seed).shuffle(candidates.slice()).slice(0, Math.max(1, Math.round(fraction * candidates.length)));
  const chosen = new Set(shuffled);
  const validators = new Set(heldOutValidation > 0 ? shuffled.slice(0, Math.round(heldOutValidation * shuffled.length)) : []);
  const train = split.train.map((s, i) => (chosen.has(i) && !validators.has(i) ? s : []));
  const out: EventsSplit = {
    ...split,
    train,
    // Fit-for-test data of the chosen users only: the baselines and statistics see the same fraction.
    beforeTest: split.beforeTest.map((s, i) => (chosen.has(i) ? s : [])),
    validation: split.validation.filter((c) => (validators.size ? validators.has(c.user) : chosen.has(c.user))),
    notices: [...split.notices, `training on ${chosen.size - validators.size} of ${candidates.length} users (${(100 * fraction).toFixed(0)}%${validators.size ? `, ${validators.size} more validate only` : ''}, seed ${seed})`],
  };
  if (split.trainTimes) out.trainTimes = split.trainTimes.map((s, i) => (chosen.has(i) && !validators.has(i) ? s : []));
  return out;
}

/** The split with at most `cases` validation cases, a seeded sample in their original order (all when fewer). */
export function capValidation(split: EventsSplit, cases: number, seed: number): EventsSplit {
  if (!(Number.isInteger(cases) && cases >= 1)) throw new UsageError(`validation cases must be a whole number >= 1, got ${cases}`);
  if (split.validation.length <= cases) return split;
  const keep = new Set(new Rng(seed).shuffle(split.validation.map((_, i) => i)).slice(0, cases));
  return { ...split, validation: split.validation.filter((_, i) => keep.has(i)), notices: [...split.notices, `validating on a sample of ${cases} of ${split.validation.length} users (--validation-users)`] };
}

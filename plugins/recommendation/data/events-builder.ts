import { Float64Column, Int32Column, Interner } from '../../../core/io/text-column.js';
import { DataError, UsageError } from '../../../core/errors.js';
import type { EventOrder, EventsDataset, UserSequence } from '../contracts.js';
import { listColumns, quote } from './delimited.js';
import type { EventsLoadOptions } from './events-options.js';

const FALLBACKS = {
  user: ['user_id', 'userid', 'user', 'session_id', 'sessionid', 'visitorid'],
  item: ['item_id', 'itemid', 'item', 'movieid', 'product_id', 'productid'],
  timestamp: ['timestamp', 'time', 'ts', 'datetime', 'date'],
  position: ['position', 'pos'],
  eventType: ['event_type', 'eventtype', 'event', 'behavior', 'behaviour', 'type'],
};

/** The file and header an events builder reads. */
export interface EventsHeader {
  file: string;
  columns: string[];
}

const norm = (s: string) => s.trim().toLowerCase();

/** The given column (must exist), else the first fallback present (any case), else undefined. */
function findColumn(t: EventsHeader, given: string | undefined, fallbacks: readonly string[], role: string, flag: string): number | undefined {
  if (given !== undefined) {
    const i = t.columns.indexOf(given);
    if (i >= 0) return i;
    const j = t.columns.findIndex((c) => norm(c) === norm(given));
    if (j >= 0) return j;
    throw new DataError(`${t.file}: no ${role} column '${given}'; columns found: ${listColumns(t.columns)}; pass ${flag} <column> to map it`);
  }
  for (const name of fallbacks) {
    const i = t.columns.findIndex((c) => norm(c) === name);
    if (i >= 0) return i;
  }
  return undefined;
}

function requiredColumn(t: EventsHeader, given: string | undefined, fallbacks: readonly string[], role: string, flag: string): number {
  const i = findColumn(t, given, fallbacks, role, flag);
  if (i !== undefined) return i;
  throw new DataError(`${t.file}: no ${role} column (looked for ${fallbacks.slice(0, 3).join(', ')}); columns found: ${listColumns(t.columns)}; pass ${flag} <column> to map it`);
}

/** Seconds since the epoch from Unix seconds, Unix milliseconds (> 1e11) or an ISO date; null when unparseable. */
export function parseEventTime(raw: string): number | null {
  const s = raw.trim();
  if (s === '') return null;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    const v = Number(s);
    if (!Number.isFinite(v)) return null;
    return Math.abs(v) > 1e11 ? v / 1000 : v;
  }
  // ISO-like dates only (2020-01-31, 2020-01-31T10:00:00Z, 2020-01-31 10:00:00); Date.parse alone accepts too much.
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
  if (!m) return null;
  // Without a zone, times are read as UTC so the same file gives the same gaps on every machine.
  const ms = Date.parse(`${m[1]}T${m[2] ?? '00:00:00'}${m[3] ?? 'Z'}`);
  return Number.isFinite(ms) ? ms / 1000 : null;
}

/**
 * Two identical events of one user (same item, type and ordering key): found while building, reported
 * by the caller, which alone can recover the key's text as written (a streamed file keeps only numbers).
 */
export class DuplicateEvents extends Error {
  constructor(
    readonly first: number,
    readonly second: number,
    readonly user: string,
    readonly item: string,
    /** The row (0-based, among kept events) of the later one, and its numeric key. */
    readonly row: number,
    readonly key: number,
  ) {
    super('duplicate events');
  }
}

/**
 * Builds an EventsDataset one record at a time, keeping typed columns (interned user, item and type
 * codes, numeric times and positions, line numbers) instead of a string per cell; the checks and their
 * messages are those of every events file, in file order.
 */
export class EventsBuilder {
  readonly order: EventOrder;
  readonly keyName: string;
  private readonly userCol: number;
  private readonly itemCol: number;
  private readonly timeCol: number | undefined;
  private readonly posCol: number | undefined;
  private readonly typeCol: number | undefined;
  private readonly keep: Set<string> | undefined;
  private readonly users = new Interner();
  private readonly items = new Interner();
  private readonly types = new Interner();
  /** The first ten distinct event types seen (kept or not), for the message when a filter leaves nothing. */
  private readonly typesSeen = new Set<string>();
  private readonly userOf = new Int32Column();
  private readonly itemOf = new Int32Column();
  private readonly typeOf = new Int32Column();
  private readonly timeOf = new Float64Column();
  private readonly posOf = new Float64Column();
  private readonly lineOf = new Int32Column();
  /** Records read (blank lines aside), kept or filtered out. */
  records = 0;
  private filtered = 0;

  constructor(private readonly t: EventsHeader, private readonly options: EventsLoadOptions = {}) {
    const f = t.file;
    this.userCol = requiredColumn(t, options.userColumn, FALLBACKS.user, 'user', '--user-column');
    this.itemCol = requiredColumn(t, options.itemColumn, FALLBACKS.item, 'item', '--item-column');
    this.timeCol = findColumn(t, options.timestampColumn, FALLBACKS.timestamp, 'timestamp', '--timestamp-column');
    this.posCol = findColumn(t, options.positionColumn, FALLBACKS.position, 'position', '--position-column');
    this.typeCol = findColumn(t, options.eventTypeColumn, FALLBACKS.eventType, 'event type', '--event-type-column');
    if (options.eventTypes && this.typeCol === undefined) {
      throw new UsageError(`${f}: --event-types needs an event-type column; columns found: ${listColumns(t.columns)}; pass --event-type-column <column>`);
    }
    const requested = options.order ?? 'auto';
    if (requested === 'auto') this.order = this.posCol !== undefined ? 'position' : this.timeCol !== undefined ? 'timestamp' : 'file';
    else this.order = requested;
    if (this.order === 'position' && this.posCol === undefined) throw new DataError(`${f}: ordering by position needs a position column; columns found: ${listColumns(t.columns)}; pass --position-column <column>`);
    if (this.order === 'timestamp' && this.timeCol === undefined) throw new DataError(`${f}: ordering by timestamp needs a timestamp column; columns found: ${listColumns(t.columns)}; pass --timestamp-column <column>`);
    this.keyName = this.order === 'position' ? this.name(this.posCol!) : this.order === 'timestamp' ? this.name(this.timeCol!) : '';
    this.keep = options.eventTypes ? new Set(options.eventTypes) : undefined;
  }

  private name(c: number): string {
    return this.t.columns[c]!;
  }

  /** Column index of the ordering key's text (for the duplicate message). */
  get keyColumn(): number | undefined {
    return this.order === 'position' ? this.posCol : this.order === 'timestamp' ? this.timeCol : undefined;
  }

  /** One event; `cell(c)` is the text of column c ('' past the end of a short record). */
  add(cell: (c: number) => string, line: number): void {
    const f = this.t.file;
    this.records++;
    const user = cell(this.userCol).trim();
    if (user === '') throw new DataError(`${f}: line ${line}, column '${this.name(this.userCol)}': empty user id; every event needs one`);
    const item = cell(this.itemCol).trim();
    if (item === '') throw new DataError(`${f}: line ${line}, column '${this.name(this.itemCol)}': empty item id; every event needs one`);
    let ti = 0;
    if (this.typeCol !== undefined) {
      const type = cell(this.typeCol).trim();
      if (type === '') throw new DataError(`${f}: line ${line}, column '${this.name(this.typeCol)}': empty event type`);
      if (this.typesSeen.size < 10) this.typesSeen.add(type);
      if (this.keep && !this.keep.has(type)) {
        this.filtered++;
        return;
      }
      ti = this.types.code(type);
    }
    let time = 0;
    if (this.timeCol !== undefined) {
      const raw = cell(this.timeCol);
      const s = parseEventTime(raw);
      if (s === null) {
        const what = raw.trim() === '' ? 'empty timestamp' : `cannot parse timestamp ${quote(raw)}`;
        throw new DataError(`${f}: line ${line}, column '${this.name(this.timeCol)}': ${what}; use Unix seconds or milliseconds, or ISO dates like 2020-01-31 or 2020-01-31T10:00:00Z`);
      }
      time = s;
    }
    let pos = 0;
    if (this.posCol !== undefined && this.order === 'position') {
      const raw = cell(this.posCol).trim();
      const v = raw === '' ? NaN : Number(raw);
      if (!Number.isInteger(v)) {
        const what = raw === '' ? 'empty position' : `${quote(raw)} is not an integer position`;
        throw new DataError(`${f}: line ${line}, column '${this.name(this.posCol)}': ${what}; positions order a user's events as whole numbers 0, 1, 2…`);
      }
      pos = v;
    }
    this.userOf.push(this.users.code(user));
    this.itemOf.push(this.items.code(item));
    this.lineOf.push(line);
    if (this.typeCol !== undefined) this.typeOf.push(ti);
    if (this.timeCol !== undefined) this.timeOf.push(time);
    if (this.order === 'position') this.posOf.push(pos);
  }

  /** Line of kept event `r`. */
  line(r: number): number {
    return this.lineOf.get(r);
  }

  /** The dataset; throws DuplicateEvents for the caller to word (see there). */
  finish(): EventsDataset {
    const f = this.t.file;
    if (this.records === 0) throw new DataError(`${f}: the file has a header but no events`);
    const nUsers = this.users.size;
    if (nUsers === 0) {
      throw new DataError(`${f}: no events left after keeping event types ${this.options.eventTypes!.map((s) => `'${s}'`).join(', ')}; types found: ${[...this.typesSeen].map((s) => `'${s}'`).join(', ')}`);
    }
    const n = this.userOf.length;
    // Group events by user (a counting sort, file order kept), then order each user's events by the key.
    const start = new Int32Array(nUsers + 1);
    for (let r = 0; r < n; r++) start[this.userOf.get(r) + 1]!++;
    for (let u = 0; u < nUsers; u++) start[u + 1]! += start[u]!;
    const next = start.slice(0, nUsers);
    const byUser = new Int32Array(n);
    for (let r = 0; r < n; r++) byUser[next[this.userOf.get(r)]!++] = r;
    const key = this.order === 'position' ? this.posOf : this.order === 'timestamp' ? this.timeOf : undefined;
    const hasTypes = this.typeCol !== undefined;
    const typeAt = (r: number) => (hasTypes ? this.typeOf.get(r) : 0);
    let ties = 0;
    const sequences: UserSequence[] = new Array(nUsers);
    for (let u = 0; u < nUsers; u++) {
      const rows = Array.from(byUser.subarray(start[u]!, start[u + 1]!));
      if (key) {
        // Stable sort: events sharing a key stay in file order.
        rows.sort((a, b) => key.get(a) - key.get(b));
        for (let k = 1; k < rows.length; k++) {
          const cur = rows[k]!;
          const kc = key.get(cur);
          if (kc !== key.get(rows[k - 1]!)) continue;
          ties++;
          // Within a tie group an identical event (same item and type) is a duplicated row.
          for (let j = k - 1; j >= 0 && key.get(rows[j]!) === kc; j--) {
            const o = rows[j]!;
            if (this.itemOf.get(o) === this.itemOf.get(cur) && typeAt(o) === typeAt(cur)) {
              const [a, b] = this.line(o) < this.line(cur) ? [o, cur] : [cur, o];
              throw new DuplicateEvents(this.line(a), this.line(b), this.users.values[u]!, this.items.values[this.itemOf.get(cur)]!, cur, kc);
            }
          }
        }
      }
      const seq: UserSequence = { user: this.users.values[u]!, items: rows.map((r) => this.itemOf.get(r)) };
      if (this.timeCol !== undefined) seq.times = rows.map((r) => this.timeOf.get(r));
      if (hasTypes) seq.types = rows.map((r) => this.typeOf.get(r));
      sequences[u] = seq;
    }
    const notices: string[] = [];
    if (ties > 0) notices.push(`${ties} event(s) share their ${this.keyName} with the same user's previous event; kept in file order`);
    if (this.filtered > 0) notices.push(`skipped ${this.filtered} event(s) whose type is not one of ${this.options.eventTypes!.join(', ')}`);
    if (this.order === 'file') notices.push('no timestamp or position column: events are taken in file order');
    const dataset: EventsDataset = { source: f, items: this.items.values, users: sequences, order: this.order, ties, events: n, notices };
    if (hasTypes) dataset.eventTypes = this.types.values;
    return dataset;
  }

  /** The one-line message for duplicated events, given the ordering key's text of the later row. */
  duplicateMessage(d: DuplicateEvents, keyText: string): string {
    const key = this.order === 'timestamp' ? quote(keyText.trim()) : String(d.key);
    return `${this.t.file}: line ${d.second} duplicates line ${d.first} (user ${quote(d.user)}, item ${quote(d.item)}, ${this.keyName} ${key}); remove the duplicated rows`;
  }
}

import { isColumnarFile, readColumnar } from '../../../core/io/columnar.js';
import { extname } from 'node:path';
import { DataError, UsageError } from '../../../core/errors.js';
import type { EventOrder, EventsDataset, UserSequence } from '../../../core/interfaces/recommend.js';
import { listColumns, quote, readDelimited, type DelimitedTable } from './delimited.js';

/** How to read an events file; every column name can be mapped (CLI: --user-column etc.). */
export interface EventsLoadOptions {
  /** 'csv' (comma-separated), 'inter' (RecBole atomic file, tab-separated, `name:type` headers); 'auto' by extension. */
  format?: 'csv' | 'inter' | 'auto';
  /** Default 'user_id' (also found: userId, user, session_id). */
  userColumn?: string;
  /** Default 'item_id' (also found: itemId, item, movieId, product_id). */
  itemColumn?: string;
  /** Default 'timestamp' when present (also found: time, ts, datetime, date). Unix seconds, milliseconds or ISO dates. */
  timestampColumn?: string;
  /** Default 'position' when present: integer order of the events within a user. */
  positionColumn?: string;
  /** Default 'event_type' when present (also found: event, behavior, type). */
  eventTypeColumn?: string;
  /** Keep only events of these types (needs an event-type column). */
  eventTypes?: string[];
  /** 'auto' (default): by position when a position column exists, else by timestamp, else file order. */
  order?: EventOrder | 'auto';
}

const FALLBACKS = {
  user: ['user_id', 'userid', 'user', 'session_id', 'sessionid', 'visitorid'],
  item: ['item_id', 'itemid', 'item', 'movieid', 'product_id', 'productid'],
  timestamp: ['timestamp', 'time', 'ts', 'datetime', 'date'],
  position: ['position', 'pos'],
  eventType: ['event_type', 'eventtype', 'event', 'behavior', 'behaviour', 'type'],
};

/** Loads an events log (CSV `user_id,item_id[,timestamp][,event_type]` or a RecBole `.inter` file), ordered per user. */
export async function loadEvents(path: string, options: EventsLoadOptions = {}): Promise<EventsDataset> {
  const format = options.format && options.format !== 'auto' ? options.format : extname(path).toLowerCase() === '.inter' ? 'inter' : 'csv';
  const table = isColumnarFile(path) ? await columnarAsDelimited(path) : await readDelimited(path, format === 'inter' ? '\t' : ',');
  if (format === 'inter') table.columns = table.columns.map(interName);
  return eventsFromTable(table, options);
}

/** An Arrow or Parquet file as the delimited-table shape the events checks read (row r reported as line r + 2). */
async function columnarAsDelimited(file: string): Promise<DelimitedTable> {
  const { columns, cells, numRows } = await readColumnar(file);
  return { file, columns, cells: cells.map((col) => col.map((v) => v ?? '')), lines: Array.from({ length: numRows }, (_, r) => r + 2) };
}

/** RecBole atomic headers are `name:type` (token, float, token_seq…); the name is what options refer to. */
function interName(header: string): string {
  const colon = header.lastIndexOf(':');
  return colon > 0 ? header.slice(0, colon) : header;
}

const norm = (s: string) => s.trim().toLowerCase();

/** The given column (must exist), else the first fallback present (any case), else undefined. */
function findColumn(t: DelimitedTable, given: string | undefined, fallbacks: readonly string[], role: string, flag: string): number | undefined {
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

function requiredColumn(t: DelimitedTable, given: string | undefined, fallbacks: readonly string[], role: string, flag: string): number {
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

/** Builds the dataset from a parsed table; exported so tests and in-memory callers skip the file. */
export function eventsFromTable(t: DelimitedTable, options: EventsLoadOptions = {}): EventsDataset {
  const f = t.file;
  const userCol = requiredColumn(t, options.userColumn, FALLBACKS.user, 'user', '--user-column');
  const itemCol = requiredColumn(t, options.itemColumn, FALLBACKS.item, 'item', '--item-column');
  const timeCol = findColumn(t, options.timestampColumn, FALLBACKS.timestamp, 'timestamp', '--timestamp-column');
  const posCol = findColumn(t, options.positionColumn, FALLBACKS.position, 'position', '--position-column');
  const typeCol = findColumn(t, options.eventTypeColumn, FALLBACKS.eventType, 'event type', '--event-type-column');
  if (options.eventTypes && typeCol === undefined) {
    throw new UsageError(`${f}: --event-types needs an event-type column; columns found: ${listColumns(t.columns)}; pass --event-type-column <column>`);
  }
  let order: EventOrder;
  const requested = options.order ?? 'auto';
  if (requested === 'auto') order = posCol !== undefined ? 'position' : timeCol !== undefined ? 'timestamp' : 'file';
  else order = requested;
  if (order === 'position' && posCol === undefined) throw new DataError(`${f}: ordering by position needs a position column; columns found: ${listColumns(t.columns)}; pass --position-column <column>`);
  if (order === 'timestamp' && timeCol === undefined) throw new DataError(`${f}: ordering by timestamp needs a timestamp column; columns found: ${listColumns(t.columns)}; pass --timestamp-column <column>`);

  const name = (c: number) => t.columns[c]!;
  const n = t.lines.length;
  if (n === 0) throw new DataError(`${f}: the file has a header but no events`);
  const keep = options.eventTypes ? new Set(options.eventTypes) : undefined;
  const userIndex = new Map<string, number>();
  const itemIndex = new Map<string, number>();
  const typeIndex = new Map<string, number>();
  const users: string[] = [];
  const items: string[] = [];
  const types: string[] = [];
  const rowsOf: number[][] = [];
  const itemOf = new Int32Array(n);
  const typeOf = new Int32Array(n);
  const timeOf = new Float64Array(n);
  const posOf = new Float64Array(n);
  let filtered = 0;
  for (let r = 0; r < n; r++) {
    const line = t.lines[r]!;
    const cell = (c: number) => t.cells[c]![r]!;
    const user = cell(userCol).trim();
    if (user === '') throw new DataError(`${f}: line ${line}, column '${name(userCol)}': empty user id; every event needs one`);
    const item = cell(itemCol).trim();
    if (item === '') throw new DataError(`${f}: line ${line}, column '${name(itemCol)}': empty item id; every event needs one`);
    if (typeCol !== undefined) {
      const type = cell(typeCol).trim();
      if (type === '') throw new DataError(`${f}: line ${line}, column '${name(typeCol)}': empty event type`);
      if (keep && !keep.has(type)) {
        filtered++;
        continue;
      }
      let ti = typeIndex.get(type);
      if (ti === undefined) {
        ti = types.length;
        typeIndex.set(type, ti);
        types.push(type);
      }
      typeOf[r] = ti;
    }
    if (timeCol !== undefined) {
      const raw = cell(timeCol);
      const s = parseEventTime(raw);
      if (s === null) {
        const what = raw.trim() === '' ? 'empty timestamp' : `cannot parse timestamp ${quote(raw)}`;
        throw new DataError(`${f}: line ${line}, column '${name(timeCol)}': ${what}; use Unix seconds or milliseconds, or ISO dates like 2020-01-31 or 2020-01-31T10:00:00Z`);
      }
      timeOf[r] = s;
    }
    if (posCol !== undefined && order === 'position') {
      const raw = cell(posCol).trim();
      const v = raw === '' ? NaN : Number(raw);
      if (!Number.isInteger(v)) {
        const what = raw === '' ? 'empty position' : `${quote(raw)} is not an integer position`;
        throw new DataError(`${f}: line ${line}, column '${name(posCol)}': ${what}; positions order a user's events as whole numbers 0, 1, 2…`);
      }
      posOf[r] = v;
    }
    let ui = userIndex.get(user);
    if (ui === undefined) {
      ui = users.length;
      userIndex.set(user, ui);
      users.push(user);
      rowsOf.push([]);
    }
    let ii = itemIndex.get(item);
    if (ii === undefined) {
      ii = items.length;
      itemIndex.set(item, ii);
      items.push(item);
    }
    itemOf[r] = ii;
    rowsOf[ui]!.push(r);
  }
  if (users.length === 0) {
    throw new DataError(`${f}: no events left after keeping event types ${options.eventTypes!.map((s) => `'${s}'`).join(', ')}; types found: ${[...new Set(t.cells[typeCol!]!.map((s) => s.trim()))].slice(0, 10).map((s) => `'${s}'`).join(', ')}`);
  }

  const keyOf = order === 'position' ? posOf : order === 'timestamp' ? timeOf : undefined;
  const keyName = order === 'position' ? name(posCol!) : order === 'timestamp' ? name(timeCol!) : '';
  let ties = 0;
  let events = 0;
  const sequences: UserSequence[] = rowsOf.map((rows, u) => {
    // Stable sort: events sharing a key stay in file order.
    if (keyOf) rows.sort((a, b) => keyOf[a]! - keyOf[b]!);
    if (keyOf) {
      for (let k = 1; k < rows.length; k++) {
        const prev = rows[k - 1]!;
        const cur = rows[k]!;
        if (keyOf[cur] !== keyOf[prev]) continue;
        ties++;
        // Within a tie group an identical event (same item and type) is a duplicated row.
        for (let j = k - 1; j >= 0 && keyOf[rows[j]!] === keyOf[cur]; j--) {
          const o = rows[j]!;
          if (itemOf[o] === itemOf[cur] && typeOf[o] === typeOf[cur]) {
            const [first, second] = t.lines[o]! < t.lines[cur]! ? [o, cur] : [cur, o];
            throw new DataError(
              `${f}: line ${t.lines[second]} duplicates line ${t.lines[first]} (user ${quote(users[u]!)}, item ${quote(items[itemOf[cur]!]!)}, ${keyName} ${formatKey(keyOf[cur]!, order, t.cells[order === 'position' ? posCol! : timeCol!]![cur]!)}); remove the duplicated rows`,
              'duplicate-rows',
            );
          }
        }
      }
    }
    events += rows.length;
    const seq: UserSequence = { user: users[u]!, items: rows.map((r) => itemOf[r]!) };
    if (timeCol !== undefined) seq.times = rows.map((r) => timeOf[r]!);
    if (typeCol !== undefined) seq.types = rows.map((r) => typeOf[r]!);
    return seq;
  });

  const notices: string[] = [];
  if (ties > 0) notices.push(`${ties} event(s) share their ${keyName} with the same user's previous event; kept in file order`);
  if (filtered > 0) notices.push(`skipped ${filtered} event(s) whose type is not one of ${options.eventTypes!.join(', ')}`);
  if (order === 'file') notices.push('no timestamp or position column: events are taken in file order');
  const dataset: EventsDataset = { source: f, items, users: sequences, order, ties, events, notices };
  if (typeCol !== undefined) dataset.eventTypes = types;
  return dataset;
}

function formatKey(v: number, order: EventOrder, raw: string): string {
  return order === 'timestamp' ? quote(raw.trim()) : String(v);
}

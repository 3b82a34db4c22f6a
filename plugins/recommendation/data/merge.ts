import { basename } from 'node:path';
import type { EventsDataset } from '../contracts.js';

/**
 * Several event logs as one, for pretraining across domains: each log's users and items stay its own
 * (ids of every log after the first get the prefix `<file name>:`, since logs number their ids
 * independently), so every sequence, transition and co-occurrence stays inside its domain while one
 * model learns from all of them. The first log's ids are kept as they are, so same-catalogue transfer
 * to it still matches. Timestamps are kept only when every log has them (sequences stay aligned);
 * event types are merged by name.
 */
export function mergeEventLogs(logs: readonly EventsDataset[]): EventsDataset {
  if (logs.length === 1) return logs[0]!;
  const items: string[] = [];
  const users: EventsDataset['users'] = [];
  const types: string[] = [];
  const typeIndex = new Map<string, number>();
  const timed = logs.every((l) => l.users.every((u) => u.times));
  const typed = logs.every((l) => l.eventTypes);
  logs.forEach((log, k) => {
    const prefix = k === 0 ? '' : `${basename(log.source)}:`;
    const offset = items.length;
    for (const id of log.items) items.push(prefix + id);
    const typeMap = typed ? log.eventTypes!.map((t) => typeIndex.get(t) ?? (typeIndex.set(t, types.push(t) - 1), types.length - 1)) : [];
    for (const u of log.users) {
      users.push({
        user: prefix + u.user,
        items: u.items.map((i) => i + offset),
        ...(timed ? { times: u.times!.slice() } : {}),
        ...(typed && u.types ? { types: u.types.map((t) => typeMap[t]!) } : {}),
      });
    }
  });
  const order = logs.every((l) => l.order === logs[0]!.order) ? logs[0]!.order : 'file';
  return {
    source: logs.map((l) => l.source).join(' + '),
    items,
    users,
    ...(typed ? { eventTypes: types } : {}),
    order,
    ties: logs.reduce((a, l) => a + l.ties, 0),
    events: logs.reduce((a, l) => a + l.events, 0),
    notices: logs.flatMap((l) => l.notices.map((n) => `${basename(l.source)}: ${n}`)),
  };
}

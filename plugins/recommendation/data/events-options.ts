import type { EventOrder } from '../contracts.js';

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

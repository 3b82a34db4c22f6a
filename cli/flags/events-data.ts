import { Flags } from '@oclif/core';
import type { EventsLoadOptions } from '../../plugins/recommendation/index.js';

/** Flags that say how to read an events log; shared by pretrain, transfer, evaluate and recommend. */
export const eventsColumnFlags = {
  'user-column': Flags.string({ description: 'user id column (default: user_id, or userid/user/session_id)' }),
  'item-column': Flags.string({ description: 'item id column (default: item_id, or itemid/item/product_id)' }),
  'timestamp-column': Flags.string({ description: 'timestamp column: Unix seconds/ms or ISO dates (default: timestamp when present)' }),
  'position-column': Flags.string({ description: 'integer order of the events within a user (default: position when present)' }),
  'event-type-column': Flags.string({ description: 'event type column (default: event_type when present)' }),
  'event-types': Flags.string({ description: 'keep only these comma-separated event types (e.g. purchase,cart)' }),
};

type EventsFlagValues = { [K in keyof typeof eventsColumnFlags]?: string };

/** Turns parsed flags into loader options; `saved` (from a model manifest) fills what the flags omit. */
export function eventsLoadOptions(flags: EventsFlagValues, saved: EventsLoadOptions = {}): EventsLoadOptions {
  const types = flags['event-types']?.split(',').map((s) => s.trim()).filter(Boolean);
  return {
    userColumn: flags['user-column'] ?? saved.userColumn,
    itemColumn: flags['item-column'] ?? saved.itemColumn,
    timestampColumn: flags['timestamp-column'] ?? saved.timestampColumn,
    positionColumn: flags['position-column'] ?? saved.positionColumn,
    eventTypeColumn: flags['event-type-column'] ?? saved.eventTypeColumn,
    eventTypes: types ?? saved.eventTypes,
  };
}

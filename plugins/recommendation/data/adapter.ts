import { injectable } from 'inversify';
import type { DataAdapter } from '../../../core/interfaces/index.js';
import type { EventsDataset } from '../contracts.js';
import { loadEvents, type EventsLoadOptions } from './events-loader.js';

/** Events CSV or RecBole `.inter` file -> EventsDataset, ordered per user, with one-line errors naming file, line and column. */
@injectable()
export class EventsAdapter implements DataAdapter<EventsLoadOptions, EventsDataset> {
  readonly id = 'events';
  readonly task = 'recommend' as const;
  readonly description = 'interaction log: CSV user_id,item_id[,timestamp|position][,event_type] (columns mappable) or a RecBole .inter file';

  load(path: string, options: EventsLoadOptions): Promise<EventsDataset> {
    return loadEvents(path, options ?? {});
  }
}

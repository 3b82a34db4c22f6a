import { injectable } from 'inversify';
import type { EventEncoderSpec } from '../backbones/event-encoder.js';
import { SASREC_SPEC } from '../backbones/sasrec.js';
import { EventEncoderPretrainer } from './pretrain-next-item.js';

// Where the CLI and tests have always imported the options type from.
export type { RecommendPretrainOptions } from './pretrain-next-item.js';

/** Pretrains sasrec-s (the shared next-item pretraining loop). */
@injectable()
export class SasrecPretrainer extends EventEncoderPretrainer {
  protected readonly spec: EventEncoderSpec = SASREC_SPEC as EventEncoderSpec;
}

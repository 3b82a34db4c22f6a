import { injectable } from 'inversify';
import type { EventEncoderSpec } from '../backbones/event-encoder.js';
import { NEXTITNET_SPEC } from '../backbones/nextitnet.js';
import { EventEncoderPretrainer } from './pretrain-next-item.js';

/** Pretrains nextitnet-s (the shared next-item pretraining loop). */
@injectable()
export class NextitnetPretrainer extends EventEncoderPretrainer {
  protected readonly spec: EventEncoderSpec = NEXTITNET_SPEC as EventEncoderSpec;
}

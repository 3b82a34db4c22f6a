import { Flags } from '@oclif/core';

/** --queue: run the work as jobs on BullMQ workers (`headstart worker`) sharing one Redis. */
export const queueFlag = {
  queue: Flags.string({ description: 'Redis URL (redis://host:port[/db]): queue the work as jobs for `headstart worker` processes sharing that Redis, and collect their results (see docs/scale-out.md)', helpGroup: 'QUEUE' }),
};

/** --shard-size beside --queue: how much of the input one job takes. */
export function shardSizeFlag(unit: string, byDefault: number) {
  return {
    'shard-size': Flags.integer({ description: `with --queue: ${unit} per job`, default: byDefault, min: 1, helpGroup: 'QUEUE' }),
  };
}

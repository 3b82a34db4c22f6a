/**
 * A kind of queued job: the only code a `headstart worker` runs. A job on the queue names its kind
 * and carries plain JSON; the worker looks the kind up among the registered ones (an unknown name
 * fails the job) and the kind checks the payload before doing anything with it.
 */
export interface JobKind<TPayload = unknown, TResult = unknown> {
  /** The name jobs of this kind are queued under (e.g. `forecast-shard`). */
  readonly id: string;
  readonly description: string;
  /** Checks a payload that arrived from the queue; throws a UsageError naming the bad field. */
  parse(payload: unknown): TPayload;
  /** Does the work; the result must be JSON (it travels back through Redis). */
  run(payload: TPayload): Promise<TResult>;
}

/** One registered job kind with the plugin that registered it (named in collision errors). */
export interface JobRegistration {
  id: string;
  owner: string;
  component: JobKind;
}

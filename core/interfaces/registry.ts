/** Component kinds a plugin can register. */
export type ComponentKind = 'backbone' | 'head' | 'evaluator' | 'adapter' | 'baseline' | 'pretrainer';

/** One registered component: its id, who registered it, and the instance. */
export interface Registration<T = unknown> {
  kind: ComponentKind;
  id: string;
  /** Name of the plugin that registered it; named in collision errors. */
  owner: string;
  component: T;
}

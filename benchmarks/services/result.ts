/** What every bench service returns: the files it wrote, its markdown and its summary. */
export interface BenchResult<S> {
  files: { json: string; markdown: string; html: string; svg?: string; runs: string };
  markdown: string;
  summary: S;
  /** Runs the results hold (earlier runs of a resumed suite included). */
  runs: number;
}

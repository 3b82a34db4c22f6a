import { useBackend, parseBackend } from '../core/backend.js';
import { HeadstartCommand } from './base-command.js';
import type { BenchProgress } from '../benchmarks/services/bench-folder.js';

/** Shared behaviour of the `bench` commands: progress lines that never mix with --json's stdout. */
export abstract class BenchCommand extends HeadstartCommand {
  /** One finished run or a notice: stdout for a reader, stderr under --json (stdout is the result). */
  protected line = (text: string): void => {
    if (this.jsonEnabled()) this.logToStderr(text);
    else this.log(text);
  };

  /**
   * A progress bar over the suite's runs (stderr: a bar with ETA on a terminal, a plain line every
   * 15 s on a pipe), handed to the service; `stop` ends it before the summary prints.
   */
  protected runProgress(label: string): { progress: BenchProgress; stop: () => void } {
    const bar = this.progress(label);
    return { progress: (done, total, detail) => bar.update(done, total, detail), stop: () => bar.done() };
  }

  protected async useBackend(name: string): Promise<string> {
    this.backend = await useBackend(parseBackend(name));
    return this.backend.active;
  }

  /** What the command prints after the run, and the JSON it returns. */
  protected finish(result: { files: Record<string, string | undefined>; markdown: string; runs: number }) {
    const files = Object.fromEntries(Object.entries(result.files).filter(([, v]) => v));
    this.say('\n' + result.markdown);
    this.say(`report: ${files.html}`);
    this.say(`also: ${Object.entries(files).filter(([k]) => k !== 'html').map(([, v]) => v).join(', ')}`);
    return { backend: this.backend?.active, runs: result.runs, files };
  }
}

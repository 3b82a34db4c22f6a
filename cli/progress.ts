import cliProgress from 'cli-progress';
import type { TrainProgress } from '../core/interfaces/index.js';

/** Seconds of work before a non-TTY stderr gets progress lines: short commands stay quiet. */
const QUIET_SECONDS = 10;
/** Milliseconds between progress lines on a non-TTY stderr (logs, CI, `nohup`). */
const LINE_EVERY_MS = 15_000;

/**
 * Progress of long work on stderr, drawn by cli-progress: a redrawn bar with ETA on a terminal;
 * on a pipe or log file, one plain line every LINE_EVERY_MS once the work has taken QUIET_SECONDS.
 */
export class ProgressBar {
  private readonly started = Date.now();
  private bar?: cliProgress.SingleBar;
  /** When the last plain line was written (non-TTY). */
  private lastLine = 0;

  constructor(
    private readonly label: string,
    /** Draw at all (off under --json on a terminal). */
    private readonly enabled: boolean = true,
    private readonly tty: boolean = Boolean(process.stderr.isTTY),
  ) {}

  /**
   * Training progress. The ETA is a range: the earlier end is where early stopping stops if
   * validation does not improve again (best epoch + patience), the later one the last epoch; both
   * capped by the time budget. cli-progress's own ETA assumes every epoch runs, which early
   * stopping makes a large overestimate.
   */
  training(p: TrainProgress, detail: string): void {
    const done = (p.epoch - 1) * p.steps + p.step;
    const total = p.epochs * p.steps;
    const earliest = Math.min(p.epochs, Math.max(p.epoch, p.bestEpoch + p.patience)) * p.steps;
    this.update(done, total, detail, { earliest, secondsLeft: p.secondsLeft });
  }

  /** `bounds.earliest`: the `done` count the work may end at instead of `total`; `secondsLeft`: a hard time cap. */
  update(done: number, total: number, detail = '', bounds: { earliest?: number; secondsLeft?: number } = {}): void {
    if (!this.enabled) return;
    const eta = this.eta(done, total, bounds);
    if (!this.bar) {
      if (!this.tty && Date.now() - this.started < QUIET_SECONDS * 1000) return;
      this.bar = new cliProgress.SingleBar({
        // `remaining`, not cli-progress's own `eta` token, which would replace it with an estimate that assumes every epoch runs.
        format: `${this.label} {bar} {percentage}% | {elapsed} elapsed, ETA {remaining} | {detail}`,
        stream: process.stderr,
        noTTYOutput: !this.tty,
        notTTYSchedule: LINE_EVERY_MS,
        etaBuffer: 50,
        clearOnComplete: true,
        hideCursor: false,
        barsize: 24,
      }, cliProgress.Presets.shades_classic);
      this.bar.start(Math.max(total, 1), Math.min(done, total), { detail, elapsed: this.elapsed(), remaining: eta });
      this.lastLine = Date.now();
      return;
    }
    if (this.bar.getTotal() !== total) this.bar.setTotal(Math.max(total, 1));
    this.bar.update(Math.min(done, total), { detail, elapsed: this.elapsed(), remaining: eta });
    // cli-progress writes plain lines from a timer, which never fires while a synchronous training
    // loop holds the event loop (pretraining yields only at checkpoints): write them from here too.
    if (!this.tty && Date.now() - this.lastLine >= LINE_EVERY_MS) {
      this.bar.render();
      this.lastLine = Date.now();
    }
  }

  private eta(done: number, total: number, bounds: { earliest?: number; secondsLeft?: number }): string {
    return etaText(done, total, (Date.now() - this.started) / 1000, bounds);
  }

  /** Time since this bar's work began (the drawn bar may start later, after the quiet seconds). */
  private elapsed(): string {
    return formatSeconds((Date.now() - this.started) / 1000);
  }

  done(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}

/** Remaining time at the rate so far: one value, or "earliest–latest" when the work may end early; capped by secondsLeft. */
export function etaText(done: number, total: number, seconds: number, bounds: { earliest?: number; secondsLeft?: number } = {}): string {
  if (done <= 0 || seconds < 1) return '…';
  const rate = done / seconds;
  const cap = (s: number) => Math.max(0, Math.min(s, bounds.secondsLeft ?? Infinity));
  const latest = cap((total - done) / rate);
  const earliest = cap(((bounds.earliest ?? total) - done) / rate);
  return Math.round(earliest) < Math.round(latest) ? `${formatSeconds(earliest)}–${formatSeconds(latest)}` : formatSeconds(latest);
}

function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

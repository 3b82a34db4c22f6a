import cliProgress from 'cli-progress';

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

  constructor(
    private readonly label: string,
    /** Draw at all (off under --json on a terminal). */
    private readonly enabled: boolean = true,
    private readonly tty: boolean = Boolean(process.stderr.isTTY),
  ) {}

  update(done: number, total: number, detail = ''): void {
    if (!this.enabled) return;
    if (!this.bar) {
      if (!this.tty && Date.now() - this.started < QUIET_SECONDS * 1000) return;
      this.bar = new cliProgress.SingleBar({
        format: `${this.label} {bar} {percentage}% | {elapsed} elapsed, ETA {eta_formatted} | {detail}`,
        stream: process.stderr,
        noTTYOutput: !this.tty,
        notTTYSchedule: LINE_EVERY_MS,
        etaBuffer: 50,
        clearOnComplete: true,
        hideCursor: false,
        barsize: 24,
      }, cliProgress.Presets.shades_classic);
      this.bar.start(Math.max(total, 1), Math.min(done, total), { detail, elapsed: this.elapsed() });
      return;
    }
    if (this.bar.getTotal() !== total) this.bar.setTotal(Math.max(total, 1));
    this.bar.update(Math.min(done, total), { detail, elapsed: this.elapsed() });
  }

  /** Time since this bar's work began (the drawn bar may start later, after the quiet seconds). */
  private elapsed(): string {
    const s = Math.round((Date.now() - this.started) / 1000);
    return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  }

  done(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}

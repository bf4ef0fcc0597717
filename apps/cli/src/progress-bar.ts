import type { CliIo } from './io';

export interface ProgressUpdate {
  current: number;
  total: number;
  /** short text after the bar, e.g. "loss 0.42 · 310 img/s" */
  status?: string;
}

/**
 * A one-line progress bar on stderr. On a terminal it redraws in place at most
 * every 100 ms; elsewhere (CI logs, pipes) it prints a plain line per 10 %.
 */
export class ProgressBar {
  private readonly startedAt: number;
  private lastDraw = 0;
  private lastDecile = -1;
  private drawn = false;

  constructor(
    private readonly io: CliIo,
    private readonly label: string,
  ) {
    this.startedAt = io.now();
  }

  update({ current, total, status }: ProgressUpdate): void {
    const fraction = total > 0 ? Math.min(1, current / total) : 0;
    const now = this.io.now();
    const line = this.format(fraction, current, total, status, now);
    if (this.io.stderr.isTTY) {
      if (now - this.lastDraw < 100 && fraction < 1) return;
      this.lastDraw = now;
      const width = this.io.stderr.columns ?? 100;
      this.io.stderr.write(`\r${line.slice(0, width - 1).padEnd(width - 1)}`);
      this.drawn = true;
    } else {
      const decile = Math.floor(fraction * 10);
      if (decile === this.lastDecile) return;
      this.lastDecile = decile;
      this.io.stderr.write(`${line}\n`);
    }
  }

  done(message?: string): void {
    if (this.drawn) this.io.stderr.write('\n');
    this.drawn = false;
    if (message) this.io.stderr.write(`${message}\n`);
  }

  private format(fraction: number, current: number, total: number, status: string | undefined, now: number): string {
    const cells = 24;
    const filled = Math.round(fraction * cells);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(cells - filled)}`;
    const elapsedS = (now - this.startedAt) / 1000;
    const etaS = fraction > 0 && fraction < 1 ? (elapsedS / fraction) * (1 - fraction) : 0;
    const eta = fraction < 1 && fraction > 0 ? ` eta ${formatDuration(etaS)}` : '';
    const pct = `${Math.floor(fraction * 100)}`.padStart(3);
    return `${this.label} ${bar} ${pct}% ${current}/${total}${eta}${status ? ` · ${status}` : ''}`;
  }
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

import type { MetricPoint } from '../store/records.ts';

/**
 * Collects metric points reported one by one and writes them in batches: at
 * most every `flushMs`, or at once when `maxPoints` are waiting.
 */
export class MetricBuffer {
  private points: MetricPoint[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private firstError: unknown;

  constructor(
    private readonly write: (points: readonly MetricPoint[]) => Promise<void>,
    private readonly flushMs: number,
    private readonly maxPoints = 1_000,
  ) {}

  add(point: MetricPoint): void {
    this.points.push(point);
    if (this.points.length >= this.maxPoints) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  /** Starts writing what is buffered; writes stay in order. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.points.length === 0) return;
    const batch = this.points;
    this.points = [];
    this.inFlight = this.inFlight.then(() =>
      this.write(batch).catch((err: unknown) => {
        this.firstError ??= err;
      }),
    );
  }

  /** Flushes and waits for every write; returns the first write error, if any. */
  async drain(): Promise<unknown> {
    this.flush();
    await this.inFlight;
    return this.firstError;
  }
}

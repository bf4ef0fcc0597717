import type { RunDetail, RunEventDto } from '@oqat/jobs';
import type { Subscription } from 'rxjs';
import { type ProgressPayload, isTerminalStatus, mainAccuracyMetric, metricsOf, progressOf, statusAfter } from '../../common/run-events';
import type { StudioClient } from '../client/studio-client';
import { MetricSeries } from './metric-series';

export type LiveRunChange = 'detail' | 'metrics' | 'events' | 'progress';

const RATE_WINDOW = 30;
const METRIC_POLL_MS = 1_500;

/**
 * One run kept up to date: detail, metrics, events and progress. Subscribes
 * before loading and replays what arrived meanwhile, so no event is lost or
 * counted twice. When a run reports progress but no metric events, its
 * metrics are re-read (throttled), so curves still move.
 */
export class LiveRun {
  detail: RunDetail | undefined;
  readonly metrics = new MetricSeries();
  readonly events: RunEventDto[] = [];
  progress: (ProgressPayload & { at: number }) | undefined;
  private readonly samples: Array<{ at: number; current: number }> = [];
  private readonly subscription: Subscription;
  private buffer: RunEventDto[] | undefined = [];
  private lastMetricEventAt = 0;
  private metricPoll: ReturnType<typeof setTimeout> | undefined;
  private detailPoll: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(
    private readonly client: StudioClient,
    readonly runId: string,
    private readonly onChange: (changes: Set<LiveRunChange>) => void,
  ) {
    this.subscription = client.runEvents$.subscribe((e) => {
      if (e.runId !== runId) return;
      if (this.buffer) this.buffer.push(e);
      else this.apply([e]);
    });
  }

  async load(): Promise<void> {
    const [detail, events, metrics] = await Promise.all([
      this.client.getRun(this.runId), this.client.events(this.runId), this.client.metrics(this.runId),
    ]);
    if (this.disposed) return;
    this.detail = detail;
    this.metrics.addAll(metrics);
    const buffered = this.buffer ?? [];
    this.buffer = undefined;
    this.apply([...events, ...buffered], true);
    this.onChange(new Set(['detail', 'metrics', 'events', 'progress']));
  }

  private apply(incoming: RunEventDto[], quiet = false): void {
    const changes = new Set<LiveRunChange>();
    for (const e of incoming.sort((a, b) => a.seq - b.seq)) {
      if (e.seq <= (this.events.at(-1)?.seq ?? 0)) continue;
      this.events.push(e);
      changes.add('events');
      const progress = progressOf(e);
      if (progress) {
        const phaseChanged = progress.phase !== this.progress?.phase;
        this.progress = { ...progress, at: e.at };
        this.samples.push({ at: e.at, current: progress.current });
        if (this.samples.length > RATE_WINDOW) this.samples.shift();
        changes.add('progress');
        if (phaseChanged && !quiet) this.refreshDetailSoon();
        if (!quiet && e.at - this.lastMetricEventAt > 2_000) this.pollMetricsSoon();
      }
      for (const metric of metricsOf(e)) {
        this.lastMetricEventAt = e.at;
        if (this.metrics.add(metric)) changes.add('metrics');
      }
      const status = statusAfter(e);
      if (this.detail && status && status !== this.detail.status) {
        this.detail.status = status;
        if (status === 'running') this.detail.startedAt ??= e.at;
        if (isTerminalStatus(status)) this.detail.finishedAt = e.at;
        changes.add('detail');
        if (!quiet && (isTerminalStatus(status) || status === 'running')) this.refreshDetailSoon();
      }
    }
    if (!quiet && changes.size) this.onChange(changes);
  }

  private refreshDetailSoon(): void {
    clearTimeout(this.detailPoll);
    this.detailPoll = setTimeout(() => {
      void Promise.all([this.client.getRun(this.runId), this.client.metrics(this.runId)]).then(([detail, metrics]) => {
        if (this.disposed) return;
        this.detail = detail;
        this.metrics.addAll(metrics);
        this.onChange(new Set(['detail', 'metrics']));
      }, () => undefined);
    }, 300);
  }

  private pollMetricsSoon(): void {
    if (this.metricPoll) return;
    this.metricPoll = setTimeout(() => {
      this.metricPoll = undefined;
      void this.client.metrics(this.runId).then((points) => {
        const before = this.metrics.revision;
        this.metrics.addAll(points);
        if (!this.disposed && this.metrics.revision !== before) this.onChange(new Set(['metrics']));
      }, () => undefined);
    }, METRIC_POLL_MS);
  }

  /** steps per second over the recent progress reports */
  stepsPerSec(): number | undefined {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last.at <= first.at || last.current <= first.current) return undefined;
    return ((last.current - first.current) * 1000) / (last.at - first.at);
  }

  /** the service's best accuracy, or the best the largest subnet reached so far (the service reports it at the end) */
  bestAccuracy(): number | undefined {
    const name = mainAccuracyMetric(this.metrics.names());
    const seen = name ? this.metrics.max(name) : undefined;
    const own = this.detail?.bestAccuracy;
    return own === undefined ? seen : seen === undefined ? own : Math.max(own, seen);
  }

  etaMs(): number | undefined {
    const rate = this.stepsPerSec();
    const p = this.progress;
    if (!rate || !p || p.current >= p.total || !this.detail || isTerminalStatus(this.detail.status)) return undefined;
    return ((p.total - p.current) / rate) * 1000;
  }

  dispose(): void {
    this.disposed = true;
    this.subscription.unsubscribe();
    clearTimeout(this.metricPoll);
    clearTimeout(this.detailPoll);
  }
}

import type { MetricPoint } from '@oqat/jobs';

/**
 * A run's metrics, de-duplicated by (name, phase, step): points arrive both
 * from `metrics()` and from live metric events, in any order.
 */
export class MetricSeries {
  private readonly points = new Map<string, MetricPoint>();
  private readonly phaseOrder: string[] = [];
  private version = 0;

  addAll(points: Iterable<MetricPoint>): void {
    for (const p of points) this.add(p);
  }

  add(point: MetricPoint): boolean {
    const key = `${point.name}\u0000${point.phase}\u0000${point.step}`;
    const old = this.points.get(key);
    if (old && old.value === point.value) return false;
    this.points.set(key, point);
    if (!this.phaseOrder.includes(point.phase)) this.phaseOrder.push(point.phase);
    this.version += 1;
    return true;
  }

  /** bumps on every change; cheap "did anything change" for renderers */
  get revision(): number {
    return this.version;
  }

  get size(): number {
    return this.points.size;
  }

  /** phases in order of first appearance (float, 4bit, 3bit, ...) */
  get phases(): readonly string[] {
    return this.phaseOrder;
  }

  names(): Set<string> {
    return new Set([...this.points.values()].map((p) => p.name));
  }

  /** `[step, value]` pairs of one metric, per phase, sorted by step */
  byPhase(name: string): Map<string, Array<[number, number]>> {
    const out = new Map<string, Array<[number, number]>>();
    for (const phase of this.phaseOrder) out.set(phase, []);
    for (const p of this.points.values()) if (p.name === name) out.get(p.phase)!.push([p.step, p.value]);
    for (const [phase, data] of out) {
      if (data.length === 0) out.delete(phase);
      else data.sort((a, b) => a[0] - b[0]);
    }
    return out;
  }

  /** `[step, value]` of one metric over all phases (for overlays of several runs) */
  all(name: string): Array<[number, number]> {
    return [...this.points.values()].filter((p) => p.name === name).map((p): [number, number] => [p.step, p.value])
      .sort((a, b) => a[0] - b[0]);
  }

  latest(name: string): MetricPoint | undefined {
    let best: MetricPoint | undefined;
    for (const p of this.points.values()) if (p.name === name && (!best || p.at >= best.at)) best = p;
    return best;
  }

  max(name: string): number | undefined {
    let best: number | undefined;
    for (const p of this.points.values()) if (p.name === name && (best === undefined || p.value > best)) best = p.value;
    return best;
  }
}

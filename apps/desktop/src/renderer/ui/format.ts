export function formatPercent(value: number | undefined, digits = 1): string {
  return value === undefined || Number.isNaN(value) ? '—' : `${(value * 100).toFixed(digits)} %`;
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 100) return `${ms.toFixed(2)} ms`;
  return `${ms.toFixed(0)} ms`;
}

/** 75 s → "1m 15s"; 3 h 2 min → "3h 02m". */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export function formatTime(at: number | undefined): string {
  if (at === undefined) return '—';
  const d = new Date(at);
  const today = new Date();
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return d.toDateString() === today.toDateString() ? time : `${d.toLocaleDateString()} ${time}`;
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '—';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 ** 2).toFixed(2)} MiB`;
}

/** 1.23e9 → "1.23 G". */
export function formatCount(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  const units: Array<[number, string]> = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [scale, unit] of units) if (Math.abs(n) >= scale) return `${(n / scale).toFixed(2)} ${unit}`;
  return String(Math.round(n));
}

export function formatBits(bits: readonly number[]): string {
  return bits.length === 0 ? '—' : bits.join(' → ');
}

/** A subnet spec on one line: `{depth:[2,3],kernel:[3,5]}` style, clipped. */
export function formatSpec(spec: unknown, max = 160): string {
  const text = JSON.stringify(spec) ?? String(spec);
  const compact = text.replace(/"([a-zA-Z_][\w]*)":/g, '$1:');
  return compact.length > max ? `${compact.slice(0, max - 1)}…` : compact;
}

/** A candidate's bits: "4 bit", or "4 bit, 5 layers mixed" when its spec sets some layers' own bits (bitsByLayer); `short`: "4", "4 mixed". */
export function formatCandidateBits(bits: number, spec: unknown, short = false): string {
  const mixed = Object.keys((spec as { bitsByLayer?: Record<string, number> } | null)?.bitsByLayer ?? {}).length;
  if (short) return `${bits}${mixed ? ' mixed' : ''}`;
  return `${bits >= 32 ? 'float' : `${bits} bit`}${mixed ? `, ${mixed} layer${mixed === 1 ? '' : 's'} mixed` : ''}`;
}

/** A plain text table: header row, aligned columns. */
export function formatTable(header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  return cells.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n') + '\n';
}

export function formatPercent(x: number | undefined): string {
  return x === undefined ? '-' : `${(x * 100).toFixed(2)} %`;
}

export function formatWhen(ms: number | undefined): string {
  return ms === undefined ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/** "2 bit first.project stages.0.1.expand · 4 bit first.dw": a mixed subnet's per-layer bits (SubnetSpec.bitsByLayer) by width. */
export function formatLayerBits(bitsByLayer: Readonly<Record<string, number>>): string {
  const byBits = new Map<number, string[]>();
  for (const [name, bits] of Object.entries(bitsByLayer)) byBits.set(bits, [...(byBits.get(bits) ?? []), name]);
  return [...byBits].sort((a, b) => a[0] - b[0]).map(([bits, names]) => `${bits} bit ${names.join(' ')}`).join(' · ');
}

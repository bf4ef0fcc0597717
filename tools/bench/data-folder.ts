/**
 * Decode and cache time of an image folder (docs/benchmarks-data.md): the
 * folder decoded without a cache, decoded and written to a fresh cache, then
 * read back from the cache, each per 1,000 images, with the machine's load.
 *
 *   npx tsx tools/bench/data-folder.ts --folder /tmp/fmnist-png [--repeats 3] [--json]
 *
 * Make a folder with tools/data/write-image-folder.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadImageFolder, type ImageFolderOptions } from '@oqat/data';

const { values } = parseArgs({ options: { folder: { type: 'string' }, repeats: { type: 'string', default: '3' }, json: { type: 'boolean' } } });
if (!values.folder) throw new Error('--folder DIR is required');
const folder = resolve(values.folder);
const repeats = Number(values.repeats);

async function timed(options: ImageFolderOptions): Promise<{ seconds: number; images: number; fromCache: boolean }> {
  const start = performance.now();
  const data = await loadImageFolder(folder, options);
  return { seconds: (performance.now() - start) / 1000, images: data.train.count + data.test.count, fromCache: data.fromCache };
}

const rows: Array<{ what: string; msPer1000: number; images: number }> = [];
const record = (what: string, runs: Array<{ seconds: number; images: number }>): void => {
  const ms = runs.map((r) => (r.seconds * 1e6) / r.images).sort((a, b) => a - b);
  rows.push({ what, msPer1000: ms[Math.floor(ms.length / 2)]!, images: runs[0]!.images });
};
const load = loadavg()[0]!;
const decodeOnly = [];
for (let i = 0; i < repeats; i++) decodeOnly.push(await timed({}));
record('decode (no cache)', decodeOnly);
const firstRuns = [];
const cachedRuns = [];
for (let i = 0; i < repeats; i++) {
  const cacheDir = await mkdtemp(join(tmpdir(), 'oqat-bench-cache-'));
  firstRuns.push(await timed({ cacheDir }));
  cachedRuns.push(await timed({ cacheDir }));
  if (!cachedRuns.at(-1)!.fromCache) throw new Error('the second load did not read the cache');
  await rm(cacheDir, { recursive: true, force: true });
}
record('decode + write cache (first run)', firstRuns);
record('read cache (next runs)', cachedRuns);

if (values.json) process.stdout.write(`${JSON.stringify({ folder, repeats, load1: load, rows })}\n`);
else {
  process.stdout.write(`${folder}: ${rows[0]!.images} images, median of ${repeats}, 1-min load ${load.toFixed(1)} on ${cpus().length} cores\n`);
  for (const r of rows) process.stdout.write(`  ${r.what.padEnd(34)} ${r.msPer1000.toFixed(0).padStart(6)} ms / 1,000 images\n`);
}

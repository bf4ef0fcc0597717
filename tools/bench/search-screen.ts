/**
 * The Search screen at scale, in Chromium: a synthetic finished search (a real
 * SQLite store, written through the store's own API, all candidates on one
 * device) served by `oqat serve` (its own process: the real StudioService and
 * the built renderer), the page driven by Playwright (Debian's Chromium, headless).
 *
 *   node --import tsx tools/bench/search-screen.ts [--sizes 10000,150000,1000000] [--reps 3] [--steps 15]
 *                                                  [--dir /tmp/oqat-bench-search] [--shots DIR] [--json]
 *
 * Per size: `draw` = from setting the route to the chart's first finished
 * render with every point (data-drawn = N), including the API calls;
 * `slider answers` = from an input event to the budget label's new text (the
 * best candidate found); `slider settles` = to the next painted frame after
 * it (a step redraws no chart, the budget is an overlay; `redraws` counts the
 * steps that did). Medians over reps (draw; the first rep reads the store, the
 * service keeps the columns for later ones) and steps (slider). The store
 * files are kept in --dir and reused (1 M candidates take minutes to write).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { writeSyntheticSearch } from '@oqat/jobs/synthetic-search';
import { openRunStore } from '@oqat/runs';

const OQAT = resolve(dirname(fileURLToPath(import.meta.url)), '../../apps/cli/bin/oqat.mjs');

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
};
const round = (x: number): number => Math.round(x);

const sizes = flag('sizes', '10000,150000,1000000').split(',').map(Number);
const reps = Number(flag('reps', '3'));
const steps = Number(flag('steps', '15'));
const dir = flag('dir', join(tmpdir(), 'oqat-bench-search'));
const asJson = process.argv.includes('--json');
const shots = flag('shots', '');
const log = (line: string) => { if (!asJson) console.log(line); };

/** What runs in the page (plain JS: this file has no DOM types, and tsx's helpers do not exist there). */
const IN_PAGE = String.raw`
window.__bench = {
  async draw(runId, n) {
    performance.clearResourceTimings();
    const t0 = performance.now();
    location.hash = '#/search/' + encodeURIComponent(runId);
    const ms = await new Promise((resolve, reject) => {
      const check = () => {
        const el = document.querySelector('[data-testid="chart-front"]');
        if (el && Number(el.dataset.points) === n && Number(el.dataset.renders || 0) > 0 && el.dataset.drawnPoints === String(n)) resolve(performance.now() - t0);
        else if (performance.now() > t0 + 300000) reject(new Error('no draw within 300 s'));
        else setTimeout(check, 5);
      };
      check();
    });
    const api = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/'))
      .map((e) => e.name.replace(/.*\/api\//, '') + ' ' + Math.round(e.startTime - t0) + '-' + Math.round(e.responseEnd - t0));
    return { ms, api };
  },
  heapMB() {
    return ((performance.memory && performance.memory.usedJSHeapSize) || 0) / 2 ** 20;
  },
  async step(value) {
    const slider = document.querySelector('[data-testid="budget-slider"]');
    const label = document.querySelector('label[for="budget"]');
    const chart = document.querySelector('[data-testid="chart-front"]');
    const before = label.textContent;
    const rendersBefore = Number(chart.dataset.renders || 0);
    const t0 = performance.now();
    slider.value = String(value);
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    const answer = await new Promise((resolve) => {
      const check = () => (label.textContent !== before ? resolve(performance.now() - t0) : requestAnimationFrame(check));
      check();
    });
    // Settled: the frame after the answer is painted.
    const settle = await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0))));
    return { answer, settle, redrawn: Number(chart.dataset.renders || 0) > rendersBefore };
  },
};
`;

interface Row {
  candidates: number;
  generateS?: number;
  drawMs: number[];
  heapMB: number;
  answerMs: number[];
  settleMs: number[];
  errors: string[];
  api?: string[];
  /** slider steps that made the chart redraw */
  redraws: number;
}

mkdirSync(dir, { recursive: true });
const dbPath = join(dir, 'runs.db');
const store = await openRunStore({ path: dbPath });
const runs = new Map<number, string>();
for (const r of await store.listRuns()) {
  const n = (r.result as { candidates?: number } | null)?.candidates;
  if (r.status === 'finished' && n && !runs.has(n)) runs.set(n, r.id);
}
const rows: Row[] = [];
const generated = new Map<number, number>();
for (const n of sizes) {
  if (runs.has(n)) continue;
  const t = performance.now();
  log(`writing a synthetic search of ${n} candidates into ${dbPath} …`);
  runs.set(n, await writeSyntheticSearch(store, { candidates: n, devices: ['xavier'], seed: 7 }));
  generated.set(n, (performance.now() - t) / 1000);
}
await store.close();

// `oqat serve` on any free port; its first line is the URL with this launch's token.
const server = spawn(process.execPath, [OQAT, 'serve', '--port', '0', '--db', dbPath], { stdio: ['ignore', 'pipe', 'inherit'] });
const appUrl = await new Promise<string>((resolveUrl, reject) => {
  let out = '';
  server.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    const m = /OQAT Studio at (\S+)/.exec(out);
    if (m) resolveUrl(m[1]!);
  });
  server.on('exit', (code) => reject(new Error(`oqat serve exited (${code}): ${out}`)));
});
const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'oqat-bench-chromium-')), {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1360, height: 900 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--enable-precise-memory-info'],
});
if (!existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) throw new Error('no Chromium at /usr/bin/chromium');
const page = await context.newPage();
await page.addInitScript(IN_PAGE);
const errors: string[] = [];
page.on('pageerror', (e) => errors.push(e.message));
page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
await page.goto(appUrl);
await page.waitForSelector('#app, body');

for (const n of sizes) {
  const runId = runs.get(n)!;
  errors.length = 0;
  const row: Row = { candidates: n, generateS: generated.get(n), drawMs: [], heapMB: 0, answerMs: [], settleMs: [], errors, redraws: 0 };
  for (let r = 0; r < reps; r++) {
    await page.evaluate(`location.hash = '#/runs'`);
    await page.waitForTimeout(300);
    const { ms, api } = (await page.evaluate(`__bench.draw(${JSON.stringify(runId)}, ${n})`)) as { ms: number; api: string[] };
    row.drawMs.push(ms);
    row.api = api;
    log(`  ${n}: draw ${round(ms)} ms (API calls, ms after the route: ${api.join(', ')})`);
  }
  row.heapMB = (await page.evaluate('__bench.heapMB()')) as number;
  for (let s = 0; s < steps; s++) {
    const value = Math.round(((s + 1) * 400) / (steps + 1));
    const { answer, settle, redrawn } = (await page.evaluate(`__bench.step(${value})`)) as { answer: number; settle: number; redrawn: boolean };
    row.answerMs.push(answer);
    row.settleMs.push(settle);
    if (redrawn) row.redraws++;
  }
  if (shots) {
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, `search-${n}.png`) });
  }
  log(`  ${n}: slider answers ${round(median(row.answerMs))} ms, settles ${round(median(row.settleMs))} ms (median of ${steps}); heap ${round(row.heapMB)} MB; errors: ${errors.length}`);
  rows.push({ ...row, errors: [...errors] });
}

await context.close();
server.kill('SIGINT');
const load = loadavg().map((x) => x.toFixed(1)).join(' ');
const table = rows.map((r) => ({
  candidates: r.candidates, drawMs: round(median(r.drawMs)), drawRepsMs: r.drawMs.map(round), answerMs: round(median(r.answerMs)),
  answerMaxMs: round(Math.max(...r.answerMs)), settleMs: round(median(r.settleMs)), heapMB: round(r.heapMB), errors: r.errors,
  generateS: r.generateS && Math.round(r.generateS), redraws: r.redraws, steps,
}));
if (asJson) console.log(JSON.stringify({ load, rows: table }));
else {
  console.log(`\nload average at the end: ${load}`);
  console.log('| candidates (one device) | draw, median ms (each rep) | slider answers, median / max ms | slider settles, median ms | chart redraws per step | JS heap MB | page errors |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of table) {
    console.log(`| ${r.candidates.toLocaleString('en-US')} | ${r.drawMs} (${r.drawRepsMs.join(', ')}) | ${r.answerMs} / ${r.answerMaxMs} | ${r.settleMs} | ${r.redraws} of ${r.steps} | ${r.heapMB} | ${r.errors.length} |`);
  }
}

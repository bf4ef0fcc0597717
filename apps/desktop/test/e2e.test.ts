/**
 * End to end: Debian's Chromium (headless, Playwright) against `serveStudio`
 * on loopback, over the real StudioService and a real SQLite file: launch a
 * tiny run from the New run form, watch its curve update live, search it and
 * see the front, export a candidate and find the files. Screenshots of every
 * screen go to apps/desktop/test-output/e2e/.
 *
 * OQAT_E2E_SERVICE=double runs the same flow over the in-memory test double
 * (screenshots in test-output/e2e-double/); that is for developing the UI
 * only and proves nothing about the real service.
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioService } from '@oqat/jobs';
import { buildRenderer, serveStudio, type StudioServer } from '../src/server/index';
import { TestStudioService } from '../src/testing';
import { chromiumMissing, launchChromium } from './chromium';
import { StudioPage } from './studio-page';

const APP = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const USE_DOUBLE = process.env.OQAT_E2E_SERVICE === 'double';
const OUT = join(APP, 'test-output', USE_DOUBLE ? 'e2e-double' : 'e2e');
const RUN_TIMEOUT_MS = USE_DOUBLE ? 30_000 : 600_000;

type Closable = StudioService & { close?: () => Promise<void> | void; dispose?: () => Promise<void> | void };

/** The real service, or why the e2e test cannot run yet. */
async function openService(dbPath: string): Promise<Closable | string> {
  if (USE_DOUBLE) return new TestStudioService({ simulate: { tickMs: 120, stepsPerPhase: 12 } });
  const jobs = (await import('@oqat/jobs')) as Record<string, unknown>;
  if (typeof jobs.createStudioService !== 'function') {
    return "@oqat/jobs does not export createStudioService yet (the real StudioService over packages/runs and packages/search is not implemented); this end-to-end test needs it";
  }
  const create = jobs.createStudioService as (o: { path: string }) => Promise<Closable>;
  return create({ path: dbPath });
}

const dbPath = join(mkdtempSync(join(tmpdir(), 'oqat-e2e-db-')), 'runs.db');
const opened = chromiumMissing() ?? (await openService(dbPath));
const skipReason = typeof opened === 'string' ? opened : undefined;
if (skipReason) console.warn(`[desktop e2e] skipped: ${skipReason}`);

describe.skipIf(skipReason)('studio in Chromium against serveStudio', () => {
  const service = opened as Closable;
  let studio: StudioServer;
  let context: BrowserContext;
  let ui: StudioPage;
  let trainRunId = '';
  let searchRunId = '';
  const shots: string[] = [];

  beforeAll(async () => {
    const staticDir = await buildRenderer({ outDir: join(OUT, 'renderer') });
    studio = await serveStudio(service, { staticDir });
    context = await launchChromium();
    ui = new StudioPage(await context.newPage(), OUT);
    await ui.page.goto(studio.url);
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await studio?.close();
    await (service.close ?? service.dispose)?.call(service);
    console.info(`[desktop e2e] screenshots:\n  ${shots.join('\n  ')}`);
  });

  it('opens on the Runs screen, live, with an empty state', async () => {
    await ui.page.locator('[data-screen="runs"] .state').waitFor();
    await expect.poll(() => ui.page.locator('[data-testid="connection"]').getAttribute('data-state')).toBe('live');
    shots.push(await ui.screenshot('01-runs-empty'));
  });

  it('validates the New run form and launches a tiny training run', async () => {
    await ui.page.keyboard.press('Alt+2');
    await ui.page.locator('[data-testid="new-run-form"]').waitFor();
    await ui.setField('kind', 'train');
    await ui.setField('bitsChain', '4,5');
    await expect.poll(() => ui.fieldMessage('bitsChain')).not.toBe('');
    shots.push(await ui.screenshot('02-new-run-validation'));
    const settings: Array<[string, string | number | string[]]> = [
      ['task', 'classification'], ['dataset', 'subset'], ['space', 'fashion-mnist'], ['bitsChain', '4,3,2'],
      ['epochs.float', 0], ['epochs.first', 1], ['epochs.inherited', 1], ['limitTrainImages', 256], ['seed', 11],
      ['devices', []], // train only: the search is launched from the form next
    ];
    for (const [key, value] of settings) await ui.setField(key, value);
    await expect.poll(() => ui.fieldMessage('bitsChain')).toBe('');
    await ui.page.locator('[data-testid="start-run"]').click();
    await ui.page.locator('[data-screen="run"] [data-testid="chart-loss"]').waitFor();
    trainRunId = ui.runIdFromUrl();
  });

  it('draws the loss curve live while the run trains', async () => {
    const first = await ui.waitForPoints('chart-loss', 0, RUN_TIMEOUT_MS);
    const later = await ui.waitForPoints('chart-loss', first, RUN_TIMEOUT_MS);
    expect(later).toBeGreaterThan(first);
    expect(await ui.status()).toMatch(/running|finished/);
    shots.push(await ui.screenshot('03-run-detail-live'));
    expect(await ui.waitForStatus(['finished', 'failed'], RUN_TIMEOUT_MS)).toBe('finished');
    await expect.poll(() => ui.page.locator('[data-testid="event-log"] li').count()).toBeGreaterThan(1);
    shots.push(await ui.screenshot('04-run-detail-finished'));
  }, RUN_TIMEOUT_MS * 2);

  it('searches the trained supernet and shows the Pareto front per device', async () => {
    await ui.go(`#/new?kind=search&from=${encodeURIComponent(trainRunId)}`);
    await ui.page.locator('[data-testid="new-run-form"]').waitFor();
    await ui.setField('checkpointRunId', trainRunId);
    await ui.setField('devices', ['xavier', 'fpga']);
    await ui.setField('generations', 3);
    await ui.setField('population', 12);
    await ui.page.locator('[data-testid="start-run"]').click();
    await ui.page.waitForURL(/#\/runs\//);
    searchRunId = ui.runIdFromUrl();
    expect(searchRunId).not.toBe(trainRunId);
    expect(await ui.waitForStatus(['finished', 'failed'], RUN_TIMEOUT_MS)).toBe('finished');
    await ui.go(`#/search/${encodeURIComponent(searchRunId)}`);
    await ui.waitForPoints('chart-front', 0, 30_000);
    await expect.poll(() => ui.page.locator('[data-testid="front-table"] tbody tr').count()).toBeGreaterThan(0);
    expect(await ui.page.locator('[role="tab"]').count()).toBeGreaterThanOrEqual(1);
    const slider = ui.page.locator('[data-testid="budget-slider"]');
    await slider.focus();
    for (let i = 0; i < 60; i += 1) await ui.page.keyboard.press('ArrowLeft');
    await ui.page.locator('[data-testid="best-candidate"]').waitFor();
    expect(await ui.hoverUntilTooltip('chart-front', 'BitOPs')).toBe(true);
    shots.push(await ui.screenshot('05-search-front'));
    const tabs = ui.page.locator('[role="tab"]');
    if ((await tabs.count()) > 1) {
      await tabs.nth(1).click();
      await ui.waitForPoints('chart-front', 0, 10_000);
      shots.push(await ui.screenshot('06-search-second-device'));
    }
  }, RUN_TIMEOUT_MS * 2);

  it('compares the two runs side by side', async () => {
    await ui.go(`#/compare/${encodeURIComponent(trainRunId)},${encodeURIComponent(searchRunId)}`);
    await ui.page.locator('[data-testid="compare-table"]').waitFor();
    await ui.waitForPoints('compare-loss', 0, 10_000);
    shots.push(await ui.screenshot('07-compare'));
  });

  it('exports the best candidate under the budget and writes the files', async (ctx) => {
    await ui.go(`#/search/${encodeURIComponent(searchRunId)}`);
    await ui.page.locator('[data-testid="export-best"]').click();
    await ui.page.locator('[data-testid="export-folder"]').waitFor();
    const outDir = mkdtempSync(join(tmpdir(), 'oqat-e2e-export-'));
    await ui.page.locator('[data-testid="export-folder"]').fill(outDir);
    await ui.page.locator('[data-testid="export-submit"]').click();
    await ui.page.locator('[data-testid="export-report"], .state.error').first().waitFor({ timeout: RUN_TIMEOUT_MS });
    const errorState = ui.page.locator('.state.error');
    const failure = (await errorState.count()) > 0 ? await errorState.textContent() : null;
    if (failure) {
      shots.push(await ui.screenshot('08-export-error'));
      if (/not available/i.test(failure)) ctx.skip(`the service cannot export yet: ${failure}`);
      throw new Error(`export failed: ${failure}`);
    }
    const paths = await ui.page.locator('[data-testid="export-report"] td[data-col="path"]').allTextContents();
    expect(paths.length).toBeGreaterThanOrEqual(3);
    for (const path of paths) expect(existsSync(resolve(outDir, path)), path).toBe(true);
    expect(readdirSync(outDir).length).toBeGreaterThan(0);
    shots.push(await ui.screenshot('08-export-report'));
  }, RUN_TIMEOUT_MS);

  it('lists every run with live status, in both themes, with no page error', async () => {
    await ui.page.keyboard.press('Alt+1');
    await expect.poll(() => ui.page.locator('[data-screen="runs"] tbody tr').count()).toBeGreaterThanOrEqual(2);
    shots.push(await ui.screenshot('09-runs-dark'));
    await ui.page.getByRole('button', { name: 'Toggle dark and light theme' }).click();
    expect(await ui.page.locator('html').getAttribute('data-theme')).toBe('light');
    shots.push(await ui.screenshot('10-runs-light'));
    await ui.go(`#/runs/${encodeURIComponent(trainRunId)}`);
    await ui.waitForPoints('chart-loss', 0, 10_000);
    shots.push(await ui.screenshot('11-run-detail-light'));
    expect(ui.errors).toEqual([]);
  });
});

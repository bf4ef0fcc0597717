import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import type { CandidateDto } from '@oqat/jobs';
import type { StudioPage } from './studio-page';

export interface StudioFlowOptions {
  /** how long a tiny training run or search may take on this machine */
  runTimeoutMs: number;
  /** New run settings of the tiny training run */
  train: Array<[key: string, value: string | number | string[]]>;
  /** New run settings of the search (besides kind and trained run) */
  search: Array<[key: string, value: string | number | boolean | string[]]>;
  /** filled in as the flow goes; printed by the caller */
  shots: string[];
  /** the service's own candidate, to check the block diagram against (where the test holds the service) */
  candidate?: (runId: string, candidateId: number) => Promise<CandidateDto>;
}

/**
 * The user's path through the studio, declared as consecutive tests over one
 * page: empty Runs screen → New run (validation, then a tiny training run) →
 * live curves → search from the form → Pareto front per device, budget,
 * tooltip, the best candidate's block diagram → Compare → Export (the same
 * diagram) and the files on disk → Runs in both themes.
 * Chromium-over-HTTP and Electron both run it.
 */
export function defineStudioFlow(page: () => StudioPage, o: StudioFlowOptions): void {
  let trainRunId = '';
  let searchRunId = '';
  const shot = async (name: string) => o.shots.push(await page().screenshot(name));
  /** The chosen candidate's block diagram: its stages and blocks as the spec says, each elastic layer's bits chip at the candidate's bits. */
  const checkDiagram = async (candidateId: number): Promise<void> => {
    const diagram = page().page.locator('[data-testid="candidate-diagram"] [data-testid="block-diagram"]');
    await expect.poll(() => diagram.getAttribute('data-candidate'), { timeout: 20_000 }).toBe(String(candidateId));
    const stages = await diagram.locator('[data-testid="diagram-stage"]').count();
    const blocks = await diagram.locator('[data-testid="diagram-stage"] [data-testid="diagram-block"]').count();
    const bitsLabel = (await diagram.locator('[data-testid="diagram-bits"]').textContent()) ?? '';
    expect(stages).toBeGreaterThan(0);
    expect(blocks).toBeGreaterThanOrEqual(stages);
    if (!o.candidate) return expect(bitsLabel).toMatch(/\d bit, (uniform|mixed)/);
    const c = await o.candidate(searchRunId, candidateId);
    const spec = c.spec as { depths?: number[]; depth?: number[]; bitsByLayer?: Record<string, number> };
    const depths = spec.depths ?? spec.depth ?? [];
    expect(stages).toBe(depths.length);
    expect(blocks).toBe(depths.reduce((a, b) => a + b, 0));
    expect(bitsLabel).toContain(`${c.bits} bit, ${spec.bitsByLayer ? 'mixed' : 'uniform'}`);
    if (!spec.bitsByLayer) expect(new Set(await diagram.locator('li.layer.elastic .bits-chip').allTextContents())).toEqual(new Set([`${c.bits}b`]));
    for (const [name, bits] of Object.entries(spec.bitsByLayer ?? {})) {
      expect(await diagram.locator(`li[data-layer="${name}"] .bits-chip`).textContent(), name).toBe(`${bits}b`);
    }
  };

  it('opens on the Runs screen, live, with an empty state', async () => {
    const ui = page();
    await ui.page.locator('[data-screen="runs"] .state').waitFor();
    await expect.poll(() => ui.page.locator('[data-testid="connection"]').getAttribute('data-state')).toBe('live');
    await shot('01-runs-empty');
  });

  it('validates the New run form and launches a tiny training run', async () => {
    const ui = page();
    await ui.page.keyboard.press('Alt+2');
    await ui.page.locator('[data-testid="new-run-form"]').waitFor();
    await ui.setField('kind', 'train');
    await ui.setField('bitsChain', '4,5');
    await expect.poll(() => ui.fieldMessage('bitsChain')).not.toBe('');
    await shot('02-new-run-validation');
    for (const [key, value] of o.train) await ui.setField(key, value);
    await expect.poll(() => ui.fieldMessage('bitsChain')).toBe('');
    await ui.page.locator('[data-testid="start-run"]').click();
    await ui.page.locator('[data-screen="run"] [data-testid="chart-loss"]').waitFor();
    trainRunId = ui.runIdFromUrl();
  });

  it('draws the loss curve live while the run trains, then finishes', async () => {
    const ui = page();
    const first = await ui.waitForPoints('chart-loss', 0, o.runTimeoutMs);
    const later = await ui.waitForPoints('chart-loss', first, o.runTimeoutMs);
    expect(later).toBeGreaterThan(first);
    await shot('03-run-detail-live');
    expect(await ui.waitForStatus(['finished', 'failed', 'interrupted'], o.runTimeoutMs)).toBe('finished');
    await expect.poll(() => ui.page.locator('[data-testid="event-log"] li').count()).toBeGreaterThan(1);
    await ui.waitForPoints('chart-accuracy', 0, 10_000);
    await shot('04-run-detail-finished');
  }, o.runTimeoutMs * 2);

  it('searches the trained supernet and shows the Pareto front per device', async () => {
    const ui = page();
    await ui.go(`#/new?kind=search&from=${encodeURIComponent(trainRunId)}`);
    await ui.page.locator('[data-testid="new-run-form"]').waitFor();
    await ui.setField('checkpointRunId', trainRunId);
    for (const [key, value] of o.search) await ui.setField(key, value);
    await ui.page.locator('[data-testid="start-run"]').click();
    // Starting a search reads the checkpoint and spawns a worker: over a second on a loaded machine.
    await expect.poll(() => ui.page.url(), { timeout: 30_000 }).not.toContain(encodeURIComponent(trainRunId));
    await ui.page.waitForURL(/#\/runs\//);
    searchRunId = ui.runIdFromUrl();
    expect(await ui.waitForStatus(['finished', 'failed', 'interrupted'], o.runTimeoutMs)).toBe('finished');
    await shot('05-search-run-detail');
    await ui.go(`#/search/${encodeURIComponent(searchRunId)}`);
    await ui.waitForPoints('chart-front', 0, 30_000);
    await expect.poll(() => ui.page.locator('[data-testid="front-table"] tbody tr[data-key]').count()).toBeGreaterThan(0);
    const slider = ui.page.locator('[data-testid="budget-slider"]');
    await slider.focus();
    for (let i = 0; i < 40; i += 1) await ui.page.keyboard.press('ArrowLeft');
    await ui.page.locator('[data-testid="best-candidate"][data-candidate]').waitFor();
    await checkDiagram(Number(await ui.page.locator('[data-testid="best-candidate"]').getAttribute('data-candidate')));
    expect(await ui.hoverUntilTooltip('chart-front', 'BitOPs')).toBe(true);
    await shot('06-search-front');
    const tabs = ui.page.locator('[role="tab"]');
    if ((await tabs.count()) > 1) {
      await tabs.nth(1).click();
      await ui.waitForPoints('chart-front', 0, 10_000);
      await shot('07-search-second-device');
    }
  }, o.runTimeoutMs * 2);

  it('compares the two runs side by side', async () => {
    const ui = page();
    await ui.go(`#/compare/${encodeURIComponent(trainRunId)},${encodeURIComponent(searchRunId)}`);
    await ui.page.locator('[data-testid="compare-table"]').waitFor();
    await ui.waitForPoints('compare-loss', 0, 10_000);
    await shot('08-compare');
  });

  it('exports the best candidate under the budget and writes the files', async () => {
    const ui = page();
    await ui.go(`#/search/${encodeURIComponent(searchRunId)}`);
    const best = ui.page.locator('[data-testid="export-best"]');
    await best.waitFor();
    const chosen = Number(await ui.page.locator('[data-testid="best-candidate"]').getAttribute('data-candidate'));
    await best.click();
    await ui.page.locator('[data-testid="export-folder"]').waitFor();
    await checkDiagram(chosen);
    // The Compress panel (oqat compress: ALQ / VQ of the same candidate) sits below, its method's fields only.
    await expect.poll(() => ui.page.locator('[data-testid="compress-panel"] #compress-average-bits').isVisible()).toBe(true);
    await ui.page.locator('[data-testid="compress-method"]').selectOption('vq');
    await expect.poll(() => ui.page.locator('[data-testid="compress-panel"] #compress-codewords').isVisible()).toBe(true);
    // The Finetune panel (oqat finetune: DNF of the same candidate for the analog device) below it, its method first.
    await expect.poll(() => ui.page.locator('[data-testid="finetune-panel"] #finetune-method').isVisible()).toBe(true);
    // A mixed-precision candidate of the front (a per-layer search), if any: its layers' own bits drawn; then back to the best.
    const mixed = await ui.page.locator('[data-testid="export-candidate"] option', { hasText: 'mixed' }).first().getAttribute('value', { timeout: 1_000 }).catch(() => null);
    if (mixed) {
      await ui.page.locator('[data-testid="export-candidate"]').selectOption(mixed);
      await checkDiagram(Number(mixed));
      await shot('09-export-mixed-candidate');
      await ui.page.locator('[data-testid="export-candidate"]').selectOption(String(chosen));
      await checkDiagram(chosen);
    }
    // A caller's folder lives under the work folder's exports/ (a folder elsewhere is refused: see caller-files.ts).
    await ui.page.locator('[data-testid="export-folder"]').fill(`exports/e2e-${Date.now()}`);
    await ui.page.locator('[data-testid="export-submit"]').click();
    await ui.page.locator('[data-testid="export-report"], .state.error').first().waitFor({ timeout: o.runTimeoutMs });
    const errorState = ui.page.locator('.state.error');
    const failure = (await errorState.count()) > 0 ? await errorState.textContent() : null;
    if (failure) {
      await shot('09-export-error');
      throw new Error(`export failed: ${failure}`);
    }
    const outDir = (await ui.page.locator('[data-testid="export-dir"]').textContent()) ?? '';
    expect(outDir).toMatch(/exports[/\\]e2e-\d+$/);
    const paths = await ui.page.locator('[data-testid="export-report"] td[data-col="path"]').allTextContents();
    expect(paths.length).toBeGreaterThanOrEqual(1);
    for (const path of paths) expect(existsSync(resolve(outDir, path)), path).toBe(true);
    expect(readdirSync(outDir).length).toBeGreaterThan(0);
    await shot('09-export-report');
    // Again into the same folder: refused, the files kept, until the user asks to replace them.
    await ui.page.locator('[data-testid="export-submit"]').click();
    await expect.poll(async () => (await ui.page.locator('.state.error').textContent()) ?? '', { timeout: 10_000 }).toMatch(/already holds \d+ file/);
    expect(readdirSync(outDir).length).toBeGreaterThan(0);
    // The browser logs the refused call (409) as a failed resource: expected here, not a page error.
    const refused = (): number => ui.errors.findIndex((e) => /status of 409/.test(e));
    await expect.poll(refused, { timeout: 5_000 }).toBeGreaterThanOrEqual(0);
    ui.errors.splice(refused(), 1);
  }, o.runTimeoutMs);

  it('lists every run with live status, in both themes, with no page error', async () => {
    const ui = page();
    await ui.page.keyboard.press('Alt+1');
    await expect.poll(() => ui.page.locator('[data-screen="runs"] tbody tr[data-key]').count()).toBeGreaterThanOrEqual(2);
    await shot('10-runs-dark');
    await ui.page.getByRole('button', { name: 'Toggle dark and light theme' }).click();
    expect(await ui.page.locator('html').getAttribute('data-theme')).toBe('light');
    await shot('11-runs-light');
    await ui.go(`#/runs/${encodeURIComponent(trainRunId)}`);
    await ui.waitForPoints('chart-loss', 0, 10_000);
    await shot('12-run-detail-light');
    await ui.go(`#/search/${encodeURIComponent(searchRunId)}`);
    await ui.waitForPoints('chart-front', 0, 10_000);
    await shot('13-search-light');
    expect(ui.errors).toEqual([]);
  });
}

/**
 * End to end: Debian's Chromium (headless, Playwright) against `serveStudio`
 * on loopback, over the real StudioService and a real SQLite file (see
 * studio-flow.ts for the path). Screenshots: apps/desktop/test-output/e2e/.
 *
 * OQAT_E2E_SERVICE=double runs the same flow over the in-memory test double
 * (screenshots in test-output/e2e-double/): for developing the UI only; it
 * proves nothing about the real service.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';
import type { StudioService } from '@oqat/jobs';
import { type StudioServer, TestStudioService, serveStudio } from '@oqat/studio-server';
import { buildRenderer } from '../src/build-renderer';
import { chromiumMissing, launchChromium } from './chromium';
import { defineStudioFlow } from './studio-flow';
import { StudioPage } from './studio-page';

const APP = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const USE_DOUBLE = process.env.OQAT_E2E_SERVICE === 'double';
const OUT = join(APP, 'test-output', USE_DOUBLE ? 'e2e-double' : 'e2e');

type Closable = StudioService & { close?: () => Promise<void>; idle?: () => Promise<void>; dispose?: () => void };

/** The real service over a fresh SQLite file, or why the test cannot run. */
async function openService(): Promise<Closable | string> {
  if (USE_DOUBLE) return new TestStudioService({ simulate: { tickMs: 120, stepsPerPhase: 12 } });
  // Loaded here, not at the top: the double must not load TensorFlow.js.
  const { createStudioService } = await import('@oqat/jobs');
  const dbPath = join(mkdtempSync(join(tmpdir(), 'oqat-e2e-db-')), 'runs.db');
  return createStudioService({ path: dbPath });
}

const opened = chromiumMissing() ?? (await openService());
const skipReason = typeof opened === 'string' ? opened : undefined;
if (skipReason) console.warn(`[desktop e2e] skipped: ${skipReason}`);

describe.skipIf(skipReason)('studio in Chromium against serveStudio', () => {
  const service = opened as Closable;
  let studio: StudioServer;
  let context: BrowserContext;
  let ui: StudioPage;
  const shots: string[] = [];

  beforeAll(async () => {
    const staticDir = await buildRenderer({ outDir: join(OUT, 'renderer') });
    studio = await serveStudio(service, { staticDir });
    context = await launchChromium();
    ui = new StudioPage(await context.newPage(), OUT);
    // The URL `oqat serve` prints: the page takes the launch token from it.
    await ui.page.goto(studio.appUrl);
  }, 240_000);

  afterAll(async () => {
    await context?.close();
    await studio?.close();
    service.dispose?.();
    await service.close?.();
    console.info(`[desktop e2e] screenshots:\n  ${shots.join('\n  ')}`);
  });

  defineStudioFlow(() => ui, {
    shots,
    candidate: (runId, candidateId) => service.candidate(runId, candidateId),
    // A tiny run: two phases (4 → 3 bit) of one step each, then a 2×4 search on two simulated devices.
    runTimeoutMs: USE_DOUBLE ? 30_000 : 1_200_000,
    train: [
      ['task', 'classification'], ['dataset', 'subset'], ['space', 'fashion-mnist'], ['bitsChain', USE_DOUBLE ? '4,3,2' : '4,3'],
      ['epochs.float', 0], ['epochs.first', 1], ['epochs.inherited', 1], ['limitTrainImages', USE_DOUBLE ? 256 : 32],
      ['seed', 11], ['devices', []],
      // The real form's default batch of 32: one step per phase. A larger batch makes the first quantized phase's
      // LSQ step initialisation (an MSE search over the batch's values on the host) most of the test's time.
      ...(USE_DOUBLE ? [] : [['batchSize', 32] as [string, number]]),
    ],
    // Per-layer bits: the search mutates each layer's width, so the diagrams below may draw a mixed subnet.
    search: [['devices', ['xavier', 'fpga']], ['generations', USE_DOUBLE ? 3 : 2], ['population', USE_DOUBLE ? 12 : 4], ['perLayerBits', true]],
  });
});

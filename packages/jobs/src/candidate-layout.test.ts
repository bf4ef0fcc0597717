import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitFlopsModel, lowerSubnet, predictLatency, withLayerBits, type SubnetSpec } from '@oqat/latency';
import { FASHION_MNIST_SPACE, largestSubnet, middleSubnet, SEGMENTATION_SCENES_SPACE, smallestSubnet } from '@oqat/search';
import { craftCheckpoint, validCheckpointParts } from '@oqat/search/testing';
import { subnetLayout } from './candidate-layout';
import { deviceLayerMs } from './device-latency';
import { createStudioService, type Studio } from './index';
import type { CandidateLayout, LayoutBlock } from './studio-service';

const space = FASHION_MNIST_SPACE;
const uniform: SubnetSpec = { ...middleSubnet(space), bits: 4 };
const mixed = withLayerBits(space, uniform, { 'first.dw': 3, 'stages.0.0.dw': 2, 'stages.2.1.project': 2, 'stages.3.0.expand': 3, 'head.expand': 3 });
const blocksOf = (l: Pick<CandidateLayout, 'stem' | 'firstBlock' | 'stages' | 'head'>): LayoutBlock[] =>
  [l.stem, ...(l.firstBlock ? [l.firstBlock] : []), ...l.stages.flatMap((s) => s.blocks), l.head];
const noCache = { space, cacheDir: join(tmpdir(), 'oqat-no-predictors'), samples: 40 };

describe('subnetLayout: a lowered subnet as the block diagram draws it', () => {
  const layers = lowerSubnet(space, mixed, { fixedBits: 8 });
  const ms = deviceLayerMs('fpga', layers, noCache)!;
  const layout = subnetLayout(space, mixed, 8, layers, ms);

  it('groups every layer, in forward order, into stem, first block, each stage\'s active blocks and head', () => {
    expect(layout.stages.map((s) => s.blocks.length)).toEqual(mixed.depths);
    expect(blocksOf(layout).flatMap((b) => b.layers.map((l) => l.name))).toEqual(layers.map((l) => l.name ?? l.op));
    expect(layout.stem.layers.map((l) => l.name)).toEqual(['stem']);
    expect(layout.firstBlock!.layers.map((l) => l.name)).toEqual(['first.dw', 'first.project', 'first.add']);
    expect(layout.firstBlock).toMatchObject({ expand: 1, residual: true });
    const block = layout.stages[1]!.blocks[1]!;
    expect(block).toMatchObject({ name: 'stages.1.1', kernel: mixed.kernels[1]![1], expand: mixed.expands[1]![1], se: true, stride: 1, residual: true });
    expect(block.layers.map((l) => l.op)).toEqual(['conv', 'dwconv', 'se', 'conv', 'add']);
    expect(layout.stages[2]!.blocks[0]).toMatchObject({ stride: 2, se: false });
    expect(layout.stages[2]!.blocks[0]!.residual).toBeUndefined();
    expect(layout.head.layers.map((l) => l.name)).toEqual(['head.expand', 'avgpool', 'head.mix', 'head.classifier']);
  });

  it('gives each layer its own bits: mixed elastic layers, fixed ones at 8, elementwise float', () => {
    expect(layout).toMatchObject({ bits: 4, mixed: true, fixedBits: 8, resolution: mixed.resolution });
    const bits = Object.fromEntries(blocksOf(layout).flatMap((b) => b.layers.map((l) => [l.name, l.bits])));
    expect(bits).toMatchObject({
      'first.dw': 3, 'first.project': 4, 'stages.0.0.dw': 2, 'stages.0.0.expand': 4, 'stages.2.1.project': 2, 'stages.3.0.expand': 3,
      'head.expand': 3, 'head.mix': 4, stem: 8, 'stages.1.0.se': 8, 'head.classifier': 8, 'stages.1.1.add': 32,
    });
    const elastic = blocksOf(layout).flatMap((b) => b.layers.filter((l) => l.elastic).map((l) => l.name));
    expect(elastic).toContain('stages.2.1.project');
    expect(elastic).not.toContain('stages.1.0.se');
    expect(elastic).not.toContain('stem');
  });

  it('splits the device\'s predicted latency: shares sum to 100 %, a block\'s is its layers\', the rest is the network overhead', () => {
    const blocks = blocksOf(layout);
    expect(blocks.reduce((a, b) => a + b.share!, 0)).toBeCloseTo(1, 12);
    for (const b of blocks) expect(b.share).toBeCloseTo(b.layers.reduce((a, l) => a + l.share!, 0), 12);
    const overhead = predictLatency('fpga', layers) - layout.layersMs!;
    const other = lowerSubnet(space, smallestSubnet(space), { fixedBits: 8 });
    expect(overhead).toBeGreaterThanOrEqual(0);
    expect(predictLatency('fpga', other) - deviceLayerMs('fpga', other, noCache)!.reduce((a, b) => a + b, 0)).toBeCloseTo(overhead, 9);
    // The fpga pays w×a bits per layer: the 2-bit depthwise conv costs less than at 4 bits.
    const at4 = subnetLayout(space, uniform, 8, lowerSubnet(space, uniform, { fixedBits: 8 }), deviceLayerMs('fpga', lowerSubnet(space, uniform, { fixedBits: 8 }), noCache));
    const dw = (l: typeof layout) => l.stages[0]!.blocks[0]!.layers.find((x) => x.name === 'stages.0.0.dw')!.ms!;
    expect(dw(layout)).toBeLessThan(dw(at4));
  });

  it('puts a segmentation head\'s layers in the head, its gated conv elastic', () => {
    const seg = { ...middleSubnet(SEGMENTATION_SCENES_SPACE), bits: 3 };
    const segLayers = lowerSubnet(SEGMENTATION_SCENES_SPACE, seg, { fixedBits: 8 });
    const l = subnetLayout(SEGMENTATION_SCENES_SPACE, seg, 8, segLayers, deviceLayerMs('xavier', segLayers, noCache));
    expect(blocksOf(l).flatMap((b) => b.layers).length).toBe(segLayers.length);
    expect(l.head.layers.find((x) => x.name === 'seg.high')).toMatchObject({ elastic: true, bits: 3 });
    expect(l.head.layers.find((x) => x.name === 'seg.pixel-gate')).toMatchObject({ elastic: false, bits: 8 });
    expect(blocksOf(l).reduce((a, b) => a + b.share!, 0)).toBeCloseTo(1, 12);
  });

  it('draws a uniform subnet the same way, every elastic layer at its bits; no figures, no shares', () => {
    const plain = subnetLayout(space, uniform, 8, lowerSubnet(space, uniform, { fixedBits: 8 }));
    expect(plain.mixed).toBe(false);
    expect(plain.layersMs).toBeUndefined();
    const all = blocksOf(plain).flatMap((b) => b.layers);
    expect(all.filter((l) => l.elastic).every((l) => l.bits === 4)).toBe(true);
    expect(all.every((l) => l.share === undefined)).toBe(true);
  });
});

describe('candidateLayout over a real store and a checkpoint header', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oqat-layout-'));
  const workDir = join(dir, 'runs');
  let studio: Studio;
  let runId: string;
  let ids: number[];

  beforeAll(async () => {
    const { header, data } = validCheckpointParts();
    const checkpoint = join(dir, 'supernet.ckpt');
    writeFileSync(checkpoint, craftCheckpoint(JSON.stringify(header), data));
    // The cpu predictor as search caches it, fitted on made-up timings (latency ∝ MACs): layerMs is what is read.
    const samples = [smallestSubnet(space), middleSubnet(space), largestSubnet(space)].map((s, i) => ({
      device: 'cpu', layers: lowerSubnet(space, { ...s, bits: 4 }), latencyMs: 1 + i,
    }));
    mkdirSync(join(workDir, 'predictors'), { recursive: true });
    writeFileSync(join(workDir, 'predictors', `cpu-wasm-2t-${space.name}-40.json`), JSON.stringify(fitFlopsModel(samples).toJSON()));
    studio = await createStudioService({ path: join(dir, 'runs.db'), workDir });
    const run = await studio.store.createRun({ kind: 'search', config: { checkpoint, workDir, cpuSamples: 40, devices: ['cpu', 'fpga'] }, seed: 1 });
    runId = run.id;
    ids = (await studio.store.addCandidates(runId, [
      { device: 'fpga', spec: mixed, metrics: { accuracy: 0.8, latencyMs: predictLatency('fpga', lowerSubnet(space, mixed)), bits: 4 } },
      { device: 'cpu', spec: uniform, metrics: { accuracy: 0.8, latencyMs: 2, bits: 4 } },
      { device: 'cpu-ort', spec: uniform, metrics: { accuracy: 0.8, latencyMs: 2, bits: 4 } },
    ])).map((c) => c.id);
  });
  afterAll(async () => {
    await studio.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prices a mixed fpga candidate by the simulator and names its blocks and bits', async () => {
    const layout = await studio.candidateLayout(runId, ids[0]!);
    expect(layout).toMatchObject({ runId, candidateId: ids[0], device: 'fpga', mixed: true, bits: 4, fixedBits: 8 });
    expect(layout.stages.map((s) => s.blocks.length)).toEqual(mixed.depths);
    expect(layout.latencyMs).toBeGreaterThan(layout.layersMs!);
    expect(blocksOf(layout).reduce((a, b) => a + b.share!, 0)).toBeCloseTo(1, 12);
  });

  it('prices a cpu candidate by the predictor the search cached, and says so when none is there (cpu-ort)', async () => {
    const cpu = await studio.candidateLayout(runId, ids[1]!);
    expect(cpu.latencyUnavailable).toBeUndefined();
    expect(blocksOf(cpu).reduce((a, b) => a + b.share!, 0)).toBeCloseTo(1, 12);
    const ort = await studio.candidateLayout(runId, ids[2]!);
    expect(ort.latencyUnavailable).toMatch(/cpu-ort latency predictor/);
    expect(ort.layersMs).toBeUndefined();
    expect(ort.stages.map((s) => s.blocks.length)).toEqual(uniform.depths);
  });

  it('refuses an unknown candidate and a run without a checkpoint in one line', async () => {
    await expect(studio.candidateLayout(runId, 999)).rejects.toThrow(/999 is not a candidate/);
    const bare = await studio.store.createRun({ kind: 'search', config: { devices: ['fpga'] }, seed: 1 });
    const [c] = await studio.store.addCandidates(bare.id, [{ device: 'fpga', spec: uniform, metrics: { accuracy: 0.5, latencyMs: 1 } }]);
    await expect(studio.candidateLayout(bare.id, c!.id)).rejects.toThrow(/names no supernet checkpoint/);
  });
});

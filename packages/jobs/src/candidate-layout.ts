import { join } from 'node:path';
import { blockName, elasticLayerNames, lowerSubnet, STEM_LAYER, type LayerDesc, type SearchSpace, type SubnetSpec } from '@oqat/latency';
import type { RunStore } from '@oqat/runs';
import { describeSupernetCheckpoint, parseSubnetSpec } from '@oqat/search';
import { candidateById } from './candidate-views';
import { deviceLayerMs } from './device-latency';
import { JobConfigError } from './errors';
import type { SearchJobInput } from './search-job';
import type { CandidateLayout, LayoutBlock, LayoutLayer, LayoutStage } from './studio-service';

/** What the diagram draws of a subnet, before the run and the device are named. */
export type SubnetLayout = Pick<CandidateLayout, 'resolution' | 'bits' | 'mixed' | 'fixedBits' | 'layersMs' | 'stem' | 'firstBlock' | 'stages' | 'head'>;

const BLOCK_LAYER = /^(first|stages\.(\d+)\.(\d+))\./;

/**
 * A lowered subnet grouped as its supernet is built: the stem, the fixed
 * first block, each stage's active blocks (kernel, expand ratio, SE,
 * residual), the head; each layer with its bits and, given the device's
 * per-layer ms (`layerMs`, same order as `layers`), its share of their sum.
 * Layers are joined to blocks by their supernet names (lowerSubnet sets them).
 */
export function subnetLayout(space: SearchSpace, spec: SubnetSpec, fixedBits: 8 | 32, layers: readonly LayerDesc[], layerMs?: readonly number[]): SubnetLayout {
  const total = layerMs?.reduce((a, b) => a + b, 0) ?? 0;
  const elastic = new Set(elasticLayerNames(space, spec.depths));
  const stem: LayoutBlock = { name: STEM_LAYER, kernel: space.stem.kernel, stride: space.stem.stride, outC: space.stem.outC, layers: [] };
  const f = space.firstBlock;
  const firstBlock: LayoutBlock | undefined = f && { name: blockName('first', 0), kernel: f.kernel, expand: 1, se: f.se, stride: 1, outC: f.outC, layers: [] };
  const stages: LayoutStage[] = space.stages.map((stage, i) => ({
    index: i,
    outC: stage.outC,
    blocks: Array.from({ length: spec.depths[i]! }, (_, j): LayoutBlock => ({
      name: blockName(i, j), kernel: spec.kernels[i]![j]!, expand: spec.expands[i]![j]!, se: stage.se, stride: j === 0 ? stage.stride : 1, outC: stage.outC, layers: [],
    })),
  }));
  const head: LayoutBlock = { name: 'head', outC: space.numClasses, layers: [] };
  const groupOf = (name: string | undefined): LayoutBlock => {
    const m = name === undefined ? null : BLOCK_LAYER.exec(name);
    if (name === STEM_LAYER) return stem;
    if (m?.[1] === 'first' && firstBlock) return firstBlock;
    if (m?.[2] !== undefined) return stages[Number(m[2])]!.blocks[Number(m[3])]!;
    return head;
  };
  layers.forEach((l, i) => {
    const ms = layerMs?.[i];
    const layer: LayoutLayer = {
      name: l.name ?? l.op, op: l.op, bits: l.wBits, elastic: l.name !== undefined && elastic.has(l.name),
      ...(ms === undefined || total <= 0 ? {} : { ms, share: ms / total }),
    };
    const group = groupOf(l.name);
    group.layers.push(layer);
    if (l.name?.endsWith('.add')) group.residual = true;
    if (layer.share !== undefined) group.share = (group.share ?? 0) + layer.share;
  });
  return {
    resolution: spec.resolution, bits: spec.bits, mixed: spec.bitsByLayer !== undefined, fixedBits: spec.bits === 32 ? 32 : fixedBits,
    ...(total > 0 ? { layersMs: total } : {}),
    stem, ...(firstBlock ? { firstBlock } : {}), stages, head,
  };
}

/**
 * Candidates as block diagrams, from the search's own supernet checkpoint (its
 * header only: the space and the fixed layers' precision, kept for the last
 * few checkpoints) and the latency model the search priced the device with.
 */
export class CandidateLayouts {
  private readonly checkpoints = new Map<string, { space: SearchSpace; fixedBits: 8 | 32 }>();

  constructor(private readonly store: RunStore, private readonly keep = 4) {}

  async layout(runId: string, candidateId: number): Promise<CandidateLayout> {
    const candidate = await candidateById(this.store, runId, candidateId);
    const search = (await this.store.getRun(runId)).config as Partial<SearchJobInput> | null;
    if (!search?.checkpoint) throw new JobConfigError('candidate', `run ${runId} names no supernet checkpoint, so its candidates cannot be drawn as blocks`);
    const { space, fixedBits } = this.checkpoint(search.checkpoint);
    const spec = parseSubnetSpec(space, candidate.spec);
    const layers = lowerSubnet(space, spec, { fixedBits });
    const layerMs = search.workDir
      ? deviceLayerMs(candidate.device, layers, { space, cacheDir: join(search.workDir, 'predictors'), samples: search.cpuSamples ?? 0 })
      : undefined;
    return {
      runId, candidateId: candidate.id, device: candidate.device, latencyMs: candidate.latencyMs,
      ...(layerMs ? {} : { latencyUnavailable: `the fitted ${candidate.device} latency predictor of this search is no longer in ${search.workDir ?? 'its work folder'}` }),
      ...subnetLayout(space, spec, fixedBits, layers, layerMs),
    };
  }

  private checkpoint(path: string): { space: SearchSpace; fixedBits: 8 | 32 } {
    let found = this.checkpoints.get(path);
    if (!found) {
      const { space, fixedBits } = describeSupernetCheckpoint(path);
      found = { space, fixedBits };
      this.checkpoints.set(path, found);
      while (this.checkpoints.size > this.keep) this.checkpoints.delete(this.checkpoints.keys().next().value!);
    }
    return found;
  }
}

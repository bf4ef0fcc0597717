import { join, resolve } from 'node:path';
import { setImmediate as eventLoopTurn } from 'node:timers/promises';
import { initEngine, type BackendRequest } from '@oqat/engine';
import { compressedModelTop1, exportCompressed, onnxAccuracy } from '@oqat/export';
import type { JobContext } from '@oqat/runs';
import {
  ALQ_DEFAULTS,
  compressAlq,
  compressedBitsPerWeight,
  compressedModelBytes,
  compressSubject,
  compressVq,
  loadSupernet,
  staticTop1,
  VQ_DEFAULTS,
  withCompressedWeights,
  type AlqSettings,
  type CompressLayerReport,
  type CompressSubject,
  type SubnetSpec,
  type VqSettings,
} from '@oqat/search';
import { JobConfigError } from './errors';
import { loadCheckpointEvalData } from './eval-data';
import type { CompressRunRequest } from './studio-service';
import { floatSpec } from './subnet-source';

/** How to compress: the request's settings (studio-service.ts documents each). */
export type CompressSettings = Pick<CompressRunRequest, 'method' | 'alq' | 'vq' | 'validationImages' | 'testImages' | 'bnImages' | 'seed'>;

export interface CompressJobInput extends CompressSettings {
  /** a supernet.ckpt with float weights (a float phase ran) */
  checkpoint: string;
  /** a named subnet or a SubnetSpec JSON value of the checkpoint's space; its bits are replaced by 32 (float) */
  spec: unknown;
  /** the training, search or tune run the subnet came from, and the candidate */
  parentRunId?: string;
  candidateId?: number;
  backend: BackendRequest;
  /** the files' folder; absent: <workDir>/<runId>/compressed */
  outDir?: string;
  workDir: string;
}

export interface CompressJobResult {
  method: 'alq' | 'vq';
  /** the float subnet compressed */
  spec: SubnetSpec;
  /** the method's settings, its defaults filled in */
  settings: AlqSettings | VqSettings;
  float: { top1: number; weightBytes: number };
  compressed: {
    top1: number;
    /** compressed layers at their compressed bytes, the other conv/linear weights as float32 (BN and biases left out, as for uniform bits) */
    modelBytes: number;
    /** float weightBytes / modelBytes */
    ratio: number;
    /** bits per weight of the compressed layers, side data (coefficients, codebooks) included */
    bitsPerWeight: number;
    /** the compression step's wall time (this machine, this run's backend) */
    seconds: number;
  };
  layers: CompressLayerReport[];
  skipped: Array<{ name: string; reason: string }>;
  finetune?: string;
  /** the files written and their top-1: the container run by the project's tfjs runner, ONNX by onnxruntime */
  files: { outDir: string; container: { path: string; bytes: number; top1: number }; onnx: { path: string; bytes: number; top1: number } };
  testImages: number;
  /** the runs list's BEST column: the compressed subnet's top-1 in the app */
  bestAccuracy: number;
}

const STEPS = 1000;

/**
 * Compresses one trained float subnet's weights beyond uniform levels, by
 * ALQ (Qu et al. 2020: multi-bit binary bases per group, loss-aware, to an
 * average bitwidth) or VQ (Stock et al. 2020, "And the bit goes down":
 * codebooks fitted to each layer's outputs on unlabelled training images,
 * then finetuned), scores it on the test split in the app, writes the
 * compressed container and ONNX (decode in the graph) and scores both files
 * again (the project's tfjs runner, onnxruntime). Activations stay float.
 */
export async function compressJob(input: CompressJobInput, ctx: JobContext): Promise<CompressJobResult> {
  await initEngine({ backend: input.backend });
  const loaded = loadSupernet(input.checkpoint);
  const { net, config, trainedBits } = loaded;
  try {
    if (loaded.task !== 'classification') throw new JobConfigError('checkpoint', 'is a segmentation supernet: compression measures top-1 of classification checkpoints only');
    if (!trainedBits.includes(32)) {
      throw new JobConfigError('checkpoint', `has no float weights (trained widths ${trainedBits.join('/')}, no float phase): ALQ and VQ start from a float network`);
    }
    const spec = floatSpec(net.space, input.spec);
    const label = input.method === 'alq' ? 'ALQ' : 'VQ';
    ctx.progress(0, STEPS, 'loading data, re-estimating BN of the float subnet');
    const { test, bn, normalization, train } = await loadCheckpointEvalData(config, input.testImages, input.bnImages, input.seed);
    let subject: CompressSubject | undefined;
    try {
      subject = compressSubject(net as Parameters<typeof compressSubject>[0], spec, {
        train, normalization, bn, validationImages: input.validationImages, seed: input.seed, signal: ctx.signal,
        onProgress: (fraction, message) => ctx.progress(Math.round(50 + Math.min(1, Math.max(0, fraction)) * 800), STEPS, `${label}: ${message}`),
      });
      ctx.progress(30, STEPS, 'scoring the float subnet');
      await eventLoopTurn();
      const float = { top1: staticTop1(subject.float, test, normalization), weightBytes: compressedModelBytes(subject.float, {}) };
      ctx.log('info', `float ${JSON.stringify(spec)}: top-1 ${(float.top1 * 100).toFixed(2)} % on ${test.count} test images, ${float.weightBytes} weight bytes; ${label} on ${subject.train.count} training images (${subject.validation.count} held out)`);

      ctx.progress(50, STEPS, `${label}: compressing`);
      const settings = input.method === 'alq' ? { ...ALQ_DEFAULTS, ...input.alq } : { ...VQ_DEFAULTS, ...input.vq };
      const t0 = performance.now();
      const result = input.method === 'alq' ? await compressAlq(subject, input.alq ?? {}) : await compressVq(subject, input.vq ?? {});
      const seconds = (performance.now() - t0) / 1000;
      for (const l of result.report.layers) ctx.log('info', `${l.name}: ${l.bitsPerWeight.toFixed(3)} bits/weight, ${l.bytes} bytes, ${l.errorOf ?? 'error'} ${l.error.toPrecision(3)}`);
      for (const s of result.report.skipped) ctx.log('info', `${s.name}: float32 (${s.reason})`);
      if (result.finetune) ctx.log('info', `finetuning: ${result.finetune}`);

      ctx.progress(850, STEPS, 'scoring the compressed subnet');
      await eventLoopTurn();
      const decoded = withCompressedWeights(subject.float, result.layers, result.floatWeights);
      let top1: number;
      try {
        top1 = staticTop1(decoded, test, normalization);
      } finally {
        decoded.dispose();
      }
      const modelBytes = compressedModelBytes(subject.float, result.layers);
      const bitsPerWeight = compressedBitsPerWeight(result.layers);
      ctx.metric(`compress/top1/${input.method}`, top1, 0, 'compress');
      ctx.log('info', `${label}: top-1 ${(top1 * 100).toFixed(2)} % (float ${(float.top1 * 100).toFixed(2)} %), ${modelBytes} weight bytes (${(float.weightBytes / modelBytes).toFixed(1)}x smaller), ${bitsPerWeight.toFixed(3)} bits per compressed weight, compressed in ${seconds.toFixed(1)} s`);

      ctx.progress(900, STEPS, 'writing model.oqatc and model.onnx');
      const outDir = resolve(input.outDir ?? join(input.workDir, ctx.runId, 'compressed'));
      const provenance = { method: input.method, settings, runId: ctx.runId, ...(input.parentRunId ? { parentRunId: input.parentRunId } : {}), ...(input.candidateId !== undefined ? { candidateId: input.candidateId } : {}) };
      const written = exportCompressed({
        net: subject.float, layers: result.layers, ...(result.floatWeights ? { floatWeights: result.floatWeights } : {}), normalization, formats: ['compressed', 'onnx'], outDir, provenance,
      });
      const containerFile = written.find((f) => f.format === 'compressed')!;
      const onnxFile = written.find((f) => f.format === 'onnx')!;
      for (const f of written) await ctx.artifact({ path: f.path, kind: f.kind });
      ctx.progress(950, STEPS, 'scoring the files: the container in tfjs, ONNX in onnxruntime');
      await eventLoopTurn();
      const containerTop1 = compressedModelTop1(containerFile.path, test);
      const onnxTop1 = (await onnxAccuracy(onnxFile.path, test, normalization)).top1;
      ctx.log('info', `files in ${outDir}: model.oqatc ${containerFile.sizeBytes} bytes, top-1 ${(containerTop1 * 100).toFixed(2)} % (tfjs runner); model.onnx ${onnxFile.sizeBytes} bytes, top-1 ${(onnxTop1 * 100).toFixed(2)} % (onnxruntime)`);

      await ctx.candidates([{ device: 'cpu', spec, metrics: { accuracy: top1, modelBytes, bitsPerWeight }, onFront: true }]);
      ctx.progress(STEPS, STEPS, `compressed: ${label} top-1 ${(top1 * 100).toFixed(2)} %, ${(float.weightBytes / modelBytes).toFixed(1)}x smaller`);
      return {
        method: input.method, spec, settings, float,
        compressed: { top1, modelBytes, ratio: float.weightBytes / modelBytes, bitsPerWeight, seconds },
        layers: result.report.layers, skipped: result.report.skipped, ...(result.finetune ? { finetune: result.finetune } : {}),
        files: {
          outDir,
          container: { path: containerFile.path, bytes: containerFile.sizeBytes, top1: containerTop1 },
          onnx: { path: onnxFile.path, bytes: onnxFile.sizeBytes, top1: onnxTop1 },
        },
        testImages: test.count, bestAccuracy: top1,
      };
    } finally {
      subject?.float.dispose();
      for (const t of bn) t.dispose();
    }
  } finally {
    net.dispose();
  }
}

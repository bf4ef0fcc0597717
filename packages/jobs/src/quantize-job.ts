import { setImmediate as eventLoopTurn } from 'node:timers/promises';
import { initEngine, type BackendRequest } from '@oqat/engine';
import type { JobContext } from '@oqat/runs';
import {
  bnBatches,
  calibrateSubject,
  loadSupernet,
  ptqNetwork,
  ptqSubject,
  staticTop1,
  staticWeightBytes,
  type PtqCalibration,
  type PtqGranularity,
  type PtqLayerReport,
  type PtqSettings,
  type StaticMobileNetConfig,
  type SubnetSpec,
} from '@oqat/search';
import { JobConfigError } from './errors';
import { loadCheckpointEvalData } from './eval-data';
import type { QuantizeRunRequest } from './studio-service';
import { floatSpec } from './subnet-source';

/** How to quantize: the request's settings (studio-service.ts documents each). */
export type QuantizeSettings = Pick<QuantizeRunRequest, 'bits' | 'granularity' | 'calibration' | 'percentile' | 'multiTensor' | 'calibrationImages' | 'testImages' | 'bnImages'>;

export interface QuantizeJobInput extends QuantizeSettings {
  /** a supernet.ckpt with float weights (a float phase ran) */
  checkpoint: string;
  /** a named subnet or a SubnetSpec JSON value of the checkpoint's space; its bits are replaced by 32 (float) */
  spec: unknown;
  seed: number;
  backend: BackendRequest;
  /** the training run the checkpoint came from */
  parentRunId?: string;
}

/** One calibration of the same float subnet: its top-1 on the test split, calibration time and weight bytes. */
export interface QuantizeRow {
  calibration: PtqCalibration;
  /** multi-tensor layers were allowed (the result's setting) */
  multiTensor: boolean;
  top1: number;
  /** calibrating the weights and inputs (the calibration inputs' sampling, shared by every row, not included) */
  calibrationSeconds: number;
  weightBytes: number;
  /** the layers whose weights are sums of several low-precision tensors */
  multiTensorLayers: string[];
}

export interface QuantizeJobResult {
  /** the float subnet quantized */
  spec: SubnetSpec;
  bits: number;
  fixedBits: 8 | 32;
  granularity: PtqGranularity;
  float: { top1: number; weightBytes: number };
  /** min-max, percentile, MSE, then the result's own setting when it differs (MSE + multi-tensor) */
  rows: QuantizeRow[];
  /** the result: the row of the requested calibration, its quantized network and per-layer report */
  chosen: { row: number; config: StaticMobileNetConfig; layers: PtqLayerReport[] };
  calibrationImages: number;
  /** running the float subnet on the calibration images and sampling every layer's input */
  samplingSeconds: number;
  testImages: number;
  /** the runs list's BEST column: the result's top-1 */
  bestAccuracy: number;
}

const ROW_ORDER: readonly PtqCalibration[] = ['min-max', 'percentile', 'mse'];

/**
 * MMSE post-training quantization of one float subnet of a supernet
 * (Choukroun et al. 2019): its weights and activations calibrated to INT8
 * or INT4 without retraining, by min-max, percentile and least squared
 * error side by side (and the multi-tensor approximation when asked), each
 * scored on the test split. The requested calibration is the run's result,
 * exportable with its quantized network.
 */
export async function quantizeJob(input: QuantizeJobInput, ctx: JobContext): Promise<QuantizeJobResult> {
  await initEngine({ backend: input.backend });
  const loaded = loadSupernet(input.checkpoint);
  const { net, config, trainedBits } = loaded;
  try {
    if (loaded.task !== 'classification') throw new JobConfigError('checkpoint', 'is a segmentation supernet: post-training quantization measures top-1 of classification checkpoints only');
    if (!trainedBits.includes(32)) {
      throw new JobConfigError('checkpoint', `has no float weights (trained widths ${trainedBits.join('/')}, no float phase): post-training quantization starts from a float network`);
    }
    const spec = floatSpec(net.space, input.spec);
    const fixedBits = config.fixedBits ?? 8;
    const rowsWanted: Array<{ calibration: PtqCalibration; multiTensor: boolean }> = ROW_ORDER.map((c) => ({ calibration: c, multiTensor: false }));
    if (input.multiTensor) rowsWanted.push({ calibration: input.calibration, multiTensor: true });
    const total = rowsWanted.length + 2;

    ctx.progress(0, total, 'loading data, re-estimating BN of the float subnet');
    // The test split and BN set an export of this run measures and re-estimates with (same images, same seed).
    const { test, bn, normalization, train } = await loadCheckpointEvalData(config, input.testImages, input.bnImages, input.seed);
    // Calibration images: unlabelled training images in another seeded order than the BN set's.
    const calibration = bnBatches(train, input.calibrationImages, 64, input.seed + 1, normalization);
    let subject: ReturnType<typeof ptqSubject> | undefined;
    try {
      const started = performance.now();
      subject = ptqSubject(loaded.net, spec, bn, calibration);
      const samplingSeconds = (performance.now() - started) / 1000;
      ctx.progress(1, total, 'scoring the float subnet');
      await eventLoopTurn();
      const float = { top1: staticTop1(subject.float, test, normalization), weightBytes: staticWeightBytes(subject.float) };
      ctx.log('info', `float ${JSON.stringify(spec)}: top-1 ${(float.top1 * 100).toFixed(2)} % on ${test.count} test images; ${subject.layers.length} layers, calibration inputs sampled on ${input.calibrationImages} training images in ${samplingSeconds.toFixed(1)} s`);

      const rows: QuantizeRow[] = [];
      let chosen: QuantizeJobResult['chosen'] | undefined;
      for (const [i, want] of rowsWanted.entries()) {
        const label = `${want.calibration}${want.multiTensor ? ' + multi-tensor' : ''}`;
        ctx.progress(i + 1, total, `calibrating INT${input.bits} ${input.granularity === 'channel' ? 'per channel' : 'per tensor'}: ${label}`);
        await eventLoopTurn();
        const settings: PtqSettings = {
          bits: input.bits, fixedBits, granularity: input.granularity, calibration: want.calibration, percentile: input.percentile,
          ...(want.multiTensor ? { multiTensor: input.multiTensor } : {}),
        };
        const t0 = performance.now();
        const result = calibrateSubject(subject, settings);
        const calibrationSeconds = (performance.now() - t0) / 1000;
        const quantized = ptqNetwork(subject.float, result.config);
        let row: QuantizeRow;
        try {
          row = { ...want, top1: staticTop1(quantized, test, normalization), calibrationSeconds, weightBytes: staticWeightBytes(quantized), multiTensorLayers: result.multiTensorLayers };
        } finally {
          quantized.dispose();
        }
        rows.push(row);
        ctx.metric(`quantize/top1/${label}`, row.top1, 0, 'quantize');
        ctx.log('info', `${label}: top-1 ${(row.top1 * 100).toFixed(2)} % (float ${(float.top1 * 100).toFixed(2)} %), ${row.weightBytes} weight bytes, calibrated in ${calibrationSeconds.toFixed(2)} s${row.multiTensorLayers.length ? `; ${row.multiTensorLayers.length} layer(s) as sums of ${input.multiTensor!.terms} tensors: ${row.multiTensorLayers.join(', ')}` : ''}`);
        const isResult = want.calibration === input.calibration && want.multiTensor === !!input.multiTensor;
        if (isResult) chosen = { row: i, config: result.config, layers: result.layers };
      }
      ctx.progress(total, total, `quantized: INT${input.bits} ${input.calibration}${input.multiTensor ? ' + multi-tensor' : ''} top-1 ${(rows[chosen!.row]!.top1 * 100).toFixed(2)} %`);
      const best = rows[chosen!.row]!;
      await ctx.candidates([{
        device: 'cpu', spec, metrics: { accuracy: best.top1, modelBytes: best.weightBytes, bits: input.bits }, onFront: true,
      }]);
      return {
        spec, bits: input.bits, fixedBits, granularity: input.granularity, float, rows, chosen: chosen!, calibrationImages: input.calibrationImages,
        samplingSeconds, testImages: test.count, bestAccuracy: best.top1,
      };
    } finally {
      subject?.dispose();
      for (const t of [...bn, ...calibration]) t.dispose();
    }
  } finally {
    net.dispose();
  }
}

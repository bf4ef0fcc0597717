import { initEngine, type BackendRequest } from '@oqat/engine';
import type { AnalogDevice } from '@oqat/quant';
import {
  evaluateAnalogSubnet, evaluateSubnet, largestSubnet, MobileNetV3Supernet, type AnalogEvalResult, loadSupernet, middleSubnet, parseSubnetSpec, smallestSubnet, subnetWidths, type EvalResult, type SearchSpace, type SubnetSpec,
} from '@oqat/search';
import { AnalogTaskError, BitsNotTrainedError } from './errors';
import { loadCheckpointEvalData } from './eval-data';

/** The named subnets of any space (the sandwich rule's ends and the middle of every choice). */
export const NAMED_SUBNETS = { largest: largestSubnet, middle: middleSubnet, smallest: smallestSubnet } as const;
export type NamedSubnet = keyof typeof NAMED_SUBNETS;

export interface EvaluateCheckpointInput {
  checkpoint: string;
  /** a named subnet or a SubnetSpec JSON value of the checkpoint's space */
  subnet: NamedSubnet | unknown;
  /** overrides the spec's bits; default: a named subnet's lowest trained width */
  bits?: number;
  /** test images measured; 0 = the whole test split */
  testImages: number;
  /** training images for BN re-estimation (OQAT: 2,000) */
  bnImages: number;
  seed: number;
  backend: BackendRequest;
  /** also measure the subnet on the analog device (ABFP paper) with these parameters (the rest: the run's abfp block size and gain, then ANALOG_DEFAULTS) */
  analog?: Partial<AnalogDevice>;
}

export interface CheckpointEvaluation extends EvalResult {
  checkpoint: string;
  backend: string;
  /** bit widths the checkpoint has trained step sizes for */
  trainedBits: number[];
  seconds: number;
  /** top-1 and loss on the analog device, when asked for */
  analog?: AnalogEvalResult;
}

/** The subnet `oqat eval` (and oqat finetune) measures: a named one at `bits` (default: the lowest trained width), or a spec (its bits replaced by `bits` when given). */
export function chooseSpec(input: Pick<EvaluateCheckpointInput, 'subnet' | 'bits'>, space: SearchSpace, trainedBits: number[]): SubnetSpec {
  const quantized = trainedBits.filter((b) => b < 32);
  const fallbackBits = quantized.length ? Math.min(...quantized) : 32;
  if (typeof input.subnet === 'string' && input.subnet in NAMED_SUBNETS) {
    return NAMED_SUBNETS[input.subnet as NamedSubnet](space, input.bits ?? fallbackBits);
  }
  const spec = parseSubnetSpec(space, input.subnet);
  return input.bits === undefined ? spec : parseSubnetSpec(space, { ...spec, bits: input.bits });
}

/** The analog device a run targets: its ABFP block size (the tile width) and gain (a config before them: the device's defaults). */
export function runDevice(config: { abfp?: { blockSize: number; gain: number } }): Partial<AnalogDevice> {
  return config.abfp ? { blockSize: config.abfp.blockSize, gain: config.abfp.gain } : {};
}

/**
 * Accuracy and costs of one subnet of a supernet checkpoint on the test
 * split, after BN re-estimation for that subnet: what `oqat eval` prints.
 * A bit width the checkpoint was not trained at, the spec's or a layer's, is refused (its step sizes
 * would be an untrained initialisation, not the supernet's).
 */
export async function evaluateCheckpoint(input: EvaluateCheckpointInput): Promise<CheckpointEvaluation> {
  const started = performance.now();
  const engine = await initEngine({ backend: input.backend });
  const { net, config, trainedBits } = loadSupernet(input.checkpoint);
  try {
    const spec = chooseSpec(input, net.space, trainedBits);
    const untrained = subnetWidths(spec).find((b) => !trainedBits.includes(b));
    if (untrained !== undefined) throw new BitsNotTrainedError(input.checkpoint, untrained, trainedBits);
    const { test, bn, normalization } = await loadCheckpointEvalData(config, input.testImages, input.bnImages, input.seed);
    try {
      const result = evaluateSubnet(net, spec, { bn, test, batchSize: 500, normalization });
      let analog: AnalogEvalResult | undefined;
      if (input.analog) {
        if (!(net instanceof MobileNetV3Supernet)) throw new AnalogTaskError(input.checkpoint);
        // bn: []: evaluateSubnet has just re-estimated BN for this spec.
        analog = evaluateAnalogSubnet(net, spec, { bn: [], test, batchSize: 500, normalization }, { ...runDevice(config), ...input.analog }, input.seed);
      }
      return { ...result, ...(analog ? { analog } : {}), checkpoint: input.checkpoint, backend: engine.backend, trainedBits, seconds: (performance.now() - started) / 1000 };
    } finally {
      for (const t of bn) t.dispose();
    }
  } finally {
    net.dispose();
  }
}

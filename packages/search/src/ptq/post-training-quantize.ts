import { floatBatches, type ImageDataset, type Normalization } from '@oqat/data';
import { tf, type Tensor } from '@oqat/engine';
import type { SubnetSpec } from '@oqat/latency';
import { InvalidSubnetError } from '../errors';
import { StaticMobileNet, type StaticMobileNetConfig } from '../static/static-mobilenet';
import type { StaticQuantConfig } from '../static/static-layer';
import type { MobileNetV3Supernet } from '../supernet/networks/mobilenet-v3';
import { staticSubnet } from '../supernet/static-subnet';
import { calibrateNetwork, type PtqCalibrationResult } from './calibrate-network';
import { sampleLayerInputs, type InputSample } from './layer-inputs';
import { ptqLayers, staticWeightLayers, type PtqLayer } from './ptq-layers';
import type { PtqSettings } from './ptq-settings';

/** A float subnet ready to be calibrated any number of ways: its network, weights and sampled layer inputs. */
export interface PtqSubject {
  /** the float static network (BN re-estimated for the subnet) */
  float: StaticMobileNet;
  layers: PtqLayer[];
  /** each weight layer's float weights, on the host */
  weights: Map<string, Float32Array>;
  /** each weight layer's sampled input over the calibration images */
  inputs: Map<string, InputSample>;
  dispose(): void;
}

/**
 * Extracts a float subnet of a supernet (spec bits 32: the float phase's
 * weights) with BN re-estimated on `bn`, and samples every weight layer's
 * input on the calibration images (unlabelled training images).
 */
export function ptqSubject(supernet: MobileNetV3Supernet, spec: SubnetSpec, bn: readonly Tensor[], calibration: readonly Tensor[]): PtqSubject {
  if (spec.bits !== 32) throw new InvalidSubnetError('bits', `must be 32 for post-training quantization (it starts from the float subnet), got ${spec.bits}`);
  const float = staticSubnet(supernet, spec, { bnImages: bn });
  try {
    const layers = ptqLayers(float, supernet);
    const weights = new Map(layers.map((l) => [l.name, Float32Array.from(l.layer.weight.dataSync())]));
    const inputs = sampleLayerInputs(float, layers, calibration);
    return { float, layers, weights, inputs, dispose: () => float.dispose() };
  } catch (err) {
    float.dispose();
    throw err;
  }
}

/** Calibrates the subject's float network with `settings` (host arithmetic only). */
export function calibrateSubject(subject: PtqSubject, settings: PtqSettings): PtqCalibrationResult {
  return calibrateNetwork(subject.float.toConfig(), subject.layers, subject.weights, subject.inputs, settings);
}

/** The quantized network: a calibrated config over copies of the float network's weights. The caller disposes it. */
export function ptqNetwork(float: StaticMobileNet, config: StaticMobileNetConfig): StaticMobileNet {
  const weights = new Map([...float.weights()].map(([k, t]) => [k, tf.clone(t)]));
  return new StaticMobileNet(config, weights);
}

/** Top-1 of a static classification network on a labelled test set. */
export function staticTop1(net: StaticMobileNet, test: ImageDataset, normalization: Normalization, batchSize = 500): number {
  let correct = 0;
  let seen = 0;
  for (const b of floatBatches(test, { batchSize, seed: 0, shuffle: false, normalize: normalization })) {
    correct += tf.tidy(() => {
      const logits = net.forward(tf.tensor4d(b.images, [b.size, b.height, b.width, b.channels]));
      return tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.tensor1d(b.labels, 'int32')), 'int32')).dataSync()[0]!;
    });
    seen += b.size;
  }
  return seen ? correct / seen : 0;
}

/** Weight bytes of one layer's quantization: ceil(n·b/8) per tensor of its sum plus 4 per step; float32 when not quantized. */
function quantBytes(q: StaticQuantConfig | undefined, n: number): number {
  if (!q) return 4 * n;
  return Math.ceil((n * q.bits) / 8) + 4 * (q.channelSteps?.length ?? 1) + (q.residual ? quantBytes(q.residual, n) : 0);
}

/**
 * The weights' bytes of a static network as the packed format stores them:
 * integer codes at each layer's bits (a multi-tensor layer: every tensor of
 * its sum) with their steps, float layers as float32. BN multipliers and
 * biases, float in every network, are left out.
 */
export function staticWeightBytes(net: StaticMobileNet): number {
  return staticWeightLayers(net).reduce((a, { layer }) => a + quantBytes(layer.config.weightQuant, layer.weight.size), 0);
}

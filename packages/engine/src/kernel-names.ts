// The one place that names the kernels this package implements or calls by
// name. The gradient kernels are tfjs's own names (their gradients in
// tfjs-core already call them); only their wasm implementations are ours.
export {
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  DepthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput,
  Identity,
} from '@tensorflow/tfjs';
export type {
  Conv2DBackpropFilterAttrs,
  Conv2DBackpropFilterInputs,
  Conv2DBackpropInputAttrs,
  Conv2DBackpropInputInputs,
  DepthwiseConv2dNativeBackpropFilterAttrs,
  DepthwiseConv2dNativeBackpropFilterInputs,
  DepthwiseConv2dNativeBackpropInputAttrs,
  DepthwiseConv2dNativeBackpropInputInputs,
} from '@tensorflow/tfjs';

import type { TensorInfo } from '@tensorflow/tfjs';

/**
 * Training-mode batch normalisation over N, H, W of an NHWC tensor, with an
 * optional ReLU: outputs [y, batchMean, batchVariance]. Ours (not tfjs's
 * FusedBatchNorm, which takes the statistics as inputs) so that the forward
 * computes the statistics once and the gradient is one closed-form pass.
 */
export const BatchNormTrain = 'OqatBatchNormTrain';
export interface BatchNormTrainInputs {
  x: TensorInfo;
  scale: TensorInfo;
  offset: TensorInfo;
}
export interface BatchNormTrainAttrs {
  varianceEpsilon: number;
  relu: boolean;
}

/**
 * Gradient of BatchNormTrain: inputs dy (of y) and what the forward saved,
 * outputs [dx, dScale, dOffset]. A kernel of its own so that wasm can run it
 * as two SIMD passes while other backends compose it from ops.
 */
export const BatchNormTrainGrad = 'OqatBatchNormTrainGrad';
export interface BatchNormTrainGradInputs {
  dy: TensorInfo;
  x: TensorInfo;
  scale: TensorInfo;
  y: TensorInfo;
  mean: TensorInfo;
  variance: TensorInfo;
}
export type BatchNormTrainGradAttrs = BatchNormTrainAttrs;

/**
 * One SGD-with-momentum update of a variable, PyTorch's form:
 * g' = gradient*gradScale + weightDecay*variable; velocity' =
 * momentum*velocity + g'; step = nesterov ? g' + momentum*velocity' :
 * velocity'; variable' = variable - lr*step, kept within [variable/2,
 * 2*variable] when `bounded`. Outputs [variable', velocity']. One kernel call
 * per variable instead of 4-12 ops (their fixed cost added up to ~5 % of a
 * reference-net step and ~10-25 % of a supernet step).
 */
export const SgdMomentumUpdate = 'OqatSgdMomentumUpdate';
export interface SgdMomentumUpdateInputs {
  variable: TensorInfo;
  velocity: TensorInfo;
  gradient: TensorInfo;
}
export interface SgdMomentumUpdateAttrs {
  learningRate: number;
  momentum: number;
  nesterov: boolean;
  /** coupled L2 decay (0: none) */
  weightDecay: number;
  /** the gradient's factor, e.g. from clipping to a global norm (1: none) */
  gradScale: number;
  /** keep the new value within [1/2, 2] times the old (positive parameters) */
  bounded: boolean;
}

/**
 * LSQ fake quantization: q = clamp(round(x/s), -qn, qp)*s, with step s a
 * scalar or [1] (per tensor) or [C], C = x's last dimension (per channel).
 * One kernel (one SIMD pass on wasm) instead of four elementwise ops.
 */
export const LsqFakeQuantize = 'OqatLsqFakeQuantize';
export interface LsqFakeQuantizeInputs {
  x: TensorInfo;
  step: TensorInfo;
}
export interface LsqFakeQuantizeAttrs {
  qn: number;
  qp: number;
  /** LSQ's step-gradient scale g (only the gradient uses it). */
  gradScale: number;
}

/**
 * Gradient of LsqFakeQuantize: inputs dy (of q) and the forward's x and
 * step, outputs [dx, dStep]. A kernel of its own so that wasm runs it as one
 * SIMD pass instead of ~13 ops.
 */
export const LsqFakeQuantizeGrad = 'OqatLsqFakeQuantizeGrad';
export interface LsqFakeQuantizeGradInputs {
  dy: TensorInfo;
  x: TensorInfo;
  step: TensorInfo;
}
export type LsqFakeQuantizeGradAttrs = LsqFakeQuantizeAttrs;

/** The piecewise-linear activations of MobileNetV3 that HardActivation computes. */
export type HardActivationKind = 'hswish' | 'hsigmoid' | 'relu6';

/**
 * h-swish x*relu6(x+3)/6, h-sigmoid relu6(x+3)/6 or ReLU6 min(max(x, 0), 6)
 * of a float32 tensor. One kernel (one SIMD pass on wasm) where the tf-op
 * composites are up to 4 ops forward and 6 backward.
 */
export const HardActivation = 'OqatHardActivation';
export interface HardActivationInputs {
  x: TensorInfo;
}
export interface HardActivationAttrs {
  activation: HardActivationKind;
}

/** Gradient of HardActivation: inputs dy and the forward's x, output dx. */
export const HardActivationGrad = 'OqatHardActivationGrad';
export interface HardActivationGradInputs {
  dy: TensorInfo;
  x: TensorInfo;
}
export type HardActivationGradAttrs = HardActivationAttrs;

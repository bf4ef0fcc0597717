import { tf } from './tf';
import type { GradConfig, KernelConfig } from './tf';
import { batchNormTrainConfig } from './kernels/composite/batch-norm-train';
import { batchNormTrainGradConfig as batchNormTrainGradKernel } from './kernels/composite/batch-norm-train-grad';
import { batchNormTrainWasmConfig } from './kernels/wasm/batch-norm-train';
import { batchNormTrainGradWasmConfig } from './kernels/wasm/batch-norm-train-grad';
import { batchMatMulWasmConfig } from './kernels/wasm/batch-mat-mul';
import { conv2DBackpropFilterConfig } from './kernels/wasm/conv2d-backprop-filter';
import { conv2DBackpropInputConfig } from './kernels/wasm/conv2d-backprop-input';
import { depthwiseConv2dNativeBackpropFilterConfig } from './kernels/wasm/depthwise-conv2d-native-backprop-filter';
import { depthwiseConv2dNativeBackpropInputConfig } from './kernels/wasm/depthwise-conv2d-native-backprop-input';
import { hardActivationConfig } from './kernels/composite/hard-activation';
import { hardActivationGradConfig as hardActivationGradKernel } from './kernels/composite/hard-activation-grad';
import { hardActivationWasmConfig } from './kernels/wasm/hard-activation';
import { hardActivationGradWasmConfig } from './kernels/wasm/hard-activation-grad';
import { identityConfig } from './kernels/wasm/identity';
import { lsqFakeQuantizeConfig } from './kernels/composite/lsq-fake-quantize';
import { lsqFakeQuantizeGradConfig as lsqFakeQuantizeGradKernel } from './kernels/composite/lsq-fake-quantize-grad';
import { lsqFakeQuantizeWasmConfig } from './kernels/wasm/lsq-fake-quantize';
import { lsqFakeQuantizeGradWasmConfig } from './kernels/wasm/lsq-fake-quantize-grad';
import { sgdMomentumUpdateConfig } from './kernels/composite/sgd-momentum-update';
import { sgdMomentumUpdateWasmConfig } from './kernels/wasm/sgd-momentum-update';
import { batchNormTrainGradConfig } from './ops/batch-norm-train.grad';
import { hardActivationGradConfig } from './ops/hard-activation.grad';
import { lsqFakeQuantizeGradConfig } from './ops/lsq-fake-quantize.grad';

/** Composites of tf ops: correct anywhere, fast where the ops are. */
function compositeKernels(backend: string): KernelConfig[] {
  return [
    batchNormTrainConfig(backend),
    batchNormTrainGradKernel(backend),
    sgdMomentumUpdateConfig(backend),
    lsqFakeQuantizeConfig(backend),
    lsqFakeQuantizeGradKernel(backend),
    hardActivationConfig(backend),
    hardActivationGradKernel(backend),
  ];
}

/** Kernels this project adds to a backend, per backend name. */
const KERNELS: Record<string, KernelConfig[]> = {
  wasm: [
    conv2DBackpropFilterConfig,
    depthwiseConv2dNativeBackpropFilterConfig,
    depthwiseConv2dNativeBackpropInputConfig,
    batchNormTrainWasmConfig,
    batchNormTrainGradWasmConfig,
    sgdMomentumUpdateWasmConfig,
    lsqFakeQuantizeWasmConfig,
    lsqFakeQuantizeGradWasmConfig,
    hardActivationWasmConfig,
    hardActivationGradWasmConfig,
  ],
  cpu: compositeKernels('cpu'),
  tensorflow: compositeKernels('tensorflow'),
};

/**
 * Kernels that replace one tfjs ships, because ours measured faster:
 * Conv2DBackpropInput (wasm's is a scalar loop), Identity (wasm's copies).
 */
const REPLACEMENTS: Record<string, KernelConfig[]> = {
  wasm: [conv2DBackpropInputConfig, identityConfig],
};

/** Gradients of this project's own kernels (backend independent). */
const GRADIENTS: GradConfig[] = [batchNormTrainGradConfig, lsqFakeQuantizeGradConfig, hardActivationGradConfig];

/** Kernels that wrap the one tfjs ships (given as `shipped`), for the cases it runs slowly. */
const WRAPPERS: Record<string, Array<{ kernelName: string; wrap: (shipped: KernelConfig) => KernelConfig }>> = {
  wasm: [{ kernelName: 'BatchMatMul', wrap: batchMatMulWasmConfig }],
};

const registered = new Set<string>();

export function registerEngineKernels(backend: string): void {
  for (const config of KERNELS[backend] ?? []) {
    const key = `${config.backendName}/${config.kernelName}`;
    if (registered.has(key)) continue;
    // A later tfjs that ships the kernel wins: ours only fills the gap.
    if (tf.getKernel(config.kernelName, config.backendName)) continue;
    tf.registerKernel(config);
    registered.add(key);
  }
  for (const config of REPLACEMENTS[backend] ?? []) {
    const key = `${config.backendName}/${config.kernelName}`;
    if (registered.has(key)) continue;
    if (tf.getKernel(config.kernelName, config.backendName)) tf.unregisterKernel(config.kernelName, config.backendName);
    tf.registerKernel(config);
    registered.add(key);
  }
  for (const { kernelName, wrap } of WRAPPERS[backend] ?? []) {
    const key = `${backend}/${kernelName}`;
    const shipped = tf.getKernel(kernelName, backend);
    if (registered.has(key) || !shipped) continue;
    tf.unregisterKernel(kernelName, backend);
    tf.registerKernel(wrap(shipped));
    registered.add(key);
  }
  for (const config of GRADIENTS) {
    const key = `grad/${config.kernelName}`;
    if (registered.has(key)) continue;
    tf.registerGradient(config);
    registered.add(key);
  }
}

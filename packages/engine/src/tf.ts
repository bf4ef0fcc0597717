// The one door to TensorFlow.js. Other packages use `tf` from here and never
// import '@tensorflow/*' themselves, so the backend choice and the extra
// kernels registered by this package apply to everything.
//
// '@tensorflow/tfjs' (not tfjs-core alone) is imported because tfjs-core's
// Node build registers no gradients; the union package does.
import * as tf from '@tensorflow/tfjs';

export { tf };
export type {
  Tensor,
  Tensor1D,
  Tensor2D,
  Tensor3D,
  Tensor4D,
  Variable,
  Scalar,
  Rank,
  TensorLike,
  NamedTensorMap,
  GradSaveFunc,
  KernelConfig,
  GradConfig,
  NamedAttrMap,
  TensorInfo,
} from '@tensorflow/tfjs';

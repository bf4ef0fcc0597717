import { InvalidQuantOptionError, ShapeMismatchError } from '../../errors';
import { vqGeometry } from './vq-tensor';

/**
 * The metric of "And the bit goes down"'s objective for one layer. The
 * paper minimises the error of the layer's outputs, ‖x̃(W − Ŵ)‖², where x̃
 * stacks the layer's input activations unrolled the way the weight is cut:
 * every im2col patch row (a conv's (i, kh, kw) columns, a linear layer's
 * inputs) cut into its column blocks of d, all blocks stacked as rows of one
 * (N·positions·blocks)×d matrix, so that every sub-vector is measured by the
 * same x̃ (the authors' unroll_activations). For a sub-vector v and a codeword c
 * that error is (v − c)ᵀ G (v − c) with G = x̃ᵀx̃ (d×d): this function returns G,
 * accumulated over every patch of every image given (the authors sample rows
 * of x̃; G over all of them is the same objective without the sampling).
 *
 * `input` is the layer's input, NHWC [n, h, w, c] for a conv (weight
 * [k, k, c, out], or [k, k, c, 1] depthwise: 'same' padding and `stride`, as
 * the project's convs run) or [n, features] for a linear layer (weight
 * [features, out]). Returned row-major d×d in float64, divided by the number
 * of patches (a mean, so layers and image counts compare).
 */
export function vqInputGram(input: Float32Array, inputShape: readonly number[], weightShape: readonly number[], blockSize: number, stride = 1): Float64Array {
  const { columns } = vqGeometry(weightShape, blockSize);
  const d = blockSize;
  const gram = new Float64Array(d * d);
  const expected = inputShape.reduce((a, b) => a * b, 1);
  if (input.length !== expected) throw new ShapeMismatchError('vqInputGram', 'input', input.length, expected);
  let patches = 0;
  const patch = new Float64Array(columns);
  const accumulate = () => {
    for (let j = 0; j < columns; j += d) {
      for (let a = 0; a < d; a++) {
        const xa = patch[j + a]!;
        if (xa === 0) continue;
        const row = a * d;
        for (let b = a; b < d; b++) gram[row + b] += xa * patch[j + b]!;
      }
    }
    patches++;
  };
  if (weightShape.length === 2) {
    if (inputShape.length !== 2 || inputShape[1] !== weightShape[0]) {
      throw new InvalidQuantOptionError('vqInputGram', 'input shape', `[${inputShape.join(', ')}]`, `[n, ${weightShape[0]}] for a linear weight [${weightShape.join(', ')}]`);
    }
    const [n, f] = inputShape as [number, number];
    for (let s = 0; s < n; s++) {
      for (let c = 0; c < f; c++) patch[c] = input[s * f + c]!;
      accumulate();
    }
  } else if (weightShape.length === 4) {
    const [kh, kw, inC] = weightShape as [number, number, number, number];
    if (inputShape.length !== 4 || inputShape[3] !== inC) {
      throw new InvalidQuantOptionError('vqInputGram', 'input shape', `[${inputShape.join(', ')}]`, `NHWC [n, h, w, ${inC}] for a conv weight [${weightShape.join(', ')}]`);
    }
    const [n, h, w, c] = inputShape as [number, number, number, number];
    // 'same' padding as TensorFlow pads: output ceil(size/stride), the odd pixel at the end
    const outH = Math.ceil(h / stride);
    const outW = Math.ceil(w / stride);
    const padTop = Math.floor(Math.max((outH - 1) * stride + kh - h, 0) / 2);
    const padLeft = Math.floor(Math.max((outW - 1) * stride + kw - w, 0) / 2);
    const spatial = kh * kw;
    for (let s = 0; s < n; s++) {
      for (let oy = 0; oy < outH; oy++) {
        for (let ox = 0; ox < outW; ox++) {
          for (let y = 0; y < kh; y++) {
            const iy = oy * stride - padTop + y;
            for (let x = 0; x < kw; x++) {
              const ix = ox * stride - padLeft + x;
              const inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
              const base = ((s * h + iy) * w + ix) * c;
              const at = y * kw + x;
              for (let i = 0; i < c; i++) patch[i * spatial + at] = inside ? input[base + i]! : 0;
            }
          }
          accumulate();
        }
      }
    }
  } else {
    throw new InvalidQuantOptionError('vqInputGram', 'weight shape', `[${weightShape.join(', ')}]`, 'a conv [k, k, in, out] or linear [in, out] weight');
  }
  const blocks = columns / d;
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const v = patches ? gram[a * d + b]! / (patches * blocks) : 0;
      gram[a * d + b] = v;
      gram[b * d + a] = v;
    }
  }
  return gram;
}

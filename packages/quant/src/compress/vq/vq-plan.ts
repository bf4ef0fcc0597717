import { InvalidQuantOptionError } from '../../errors';
import { vqGeometry, VQ_MAX_CODEWORDS } from './vq-tensor';

/** How to cut the layers of a network (the paper's block sizes and codebook sizes, per kind of layer). */
export interface VqPlanOptions {
  /** d of 1×1 convs and linear layers (the paper: 4 with small blocks, 8 with large) */
  pointwiseBlockSize: number;
  /** whole k×k kernels per sub-vector of a k×k conv, d = this·k² (the paper's 3×3: 1 → d = 9 small, 2 → d = 18 large) */
  kernelsPerBlock: number;
  /**
   * kernel rows per sub-vector of a depthwise k×k conv ([k, k, c, 1]), d = this·k; 0 keeps depthwise
   * layers float; absent: kernelsPerBlock whole kernels as any k×k conv (the paper has no depthwise layer)
   */
  depthwiseRows?: number;
  /** codewords of a layer at most (the paper: 256 for convs, one-byte indices; 2048 for the classifier) */
  codewords: number;
  /** at least this many sub-vectors per codeword: k is the largest power of two below n / this (the authors' n_centroids_threshold, 4) */
  subVectorsPerCodeword: number;
}

/** One layer's cut: d and k, or why it is not compressed. */
export type VqLayerPlan =
  | { blockSize: number; codewords: number; subVectors: number; kind: 'pointwise' | 'linear' | 'spatial'; note?: string }
  | { skip: string };

function positiveInteger(option: string, value: number, operation = 'vq plan'): void {
  if (!Number.isInteger(value) || value < 1) throw new InvalidQuantOptionError(operation, option, value, 'a positive integer');
}

/**
 * d and k of one weight ([...spatial, in, out]) by the paper's rules: 1×1
 * convs and linear layers take `pointwiseBlockSize` consecutive inputs per
 * sub-vector, a k×k conv `kernelsPerBlock` whole kernels (a depthwise one
 * `depthwiseRows` rows of its kernel when given); k
 * is the smaller of `codewords` and the largest power of two below
 * n / subVectorsPerCodeword, as the authors clamp it. When d does not divide
 * a row, the largest d below it that does (a multiple of k² for a spatial
 * conv) is taken and `note` says so. A layer with fewer than
 * 2·subVectorsPerCodeword sub-vectors is skipped (one codeword would stand
 * for all of it).
 */
export function vqLayerPlan(shape: readonly number[], options: VqPlanOptions): VqLayerPlan {
  positiveInteger('pointwise block size', options.pointwiseBlockSize);
  positiveInteger('kernels per block', options.kernelsPerBlock);
  positiveInteger('subVectorsPerCodeword', options.subVectorsPerCodeword);
  if (!Number.isInteger(options.codewords) || options.codewords < 2 || options.codewords > VQ_MAX_CODEWORDS) {
    throw new InvalidQuantOptionError('vq plan', 'codewords', options.codewords, `an integer in 2..${VQ_MAX_CODEWORDS}`);
  }
  const spatialSize = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const kind = shape.length === 2 ? 'linear' : spatialSize === 1 ? 'pointwise' : 'spatial';
  const { columns } = vqGeometry(shape, 1);
  const depthwise = kind === 'spatial' && shape[shape.length - 1] === 1 && options.depthwiseRows !== undefined;
  if (depthwise && options.depthwiseRows === 0) return { skip: 'depthwise layers kept float32 (depthwiseRows 0)' };
  if (depthwise) positiveInteger('depthwise rows', options.depthwiseRows!);
  const kernelRow = shape[1]!;
  const unit = depthwise ? kernelRow : kind === 'spatial' ? spatialSize : 1;
  const wanted = depthwise ? options.depthwiseRows! * kernelRow : kind === 'spatial' ? options.kernelsPerBlock * spatialSize : options.pointwiseBlockSize;
  let d = Math.min(wanted, columns);
  while (d > unit && (columns % d !== 0 || d % unit !== 0)) d--;
  if (columns % d !== 0) d = unit;
  const { subVectors } = vqGeometry(shape, d);
  let k = 1;
  while (k * 2 < subVectors / options.subVectorsPerCodeword && k * 2 <= options.codewords) k *= 2;
  if (k < 2) return { skip: `${subVectors} sub-vectors of d = ${d}: fewer than ${2 * options.subVectorsPerCodeword}, too few for a codebook` };
  const plan = { blockSize: d, codewords: k, subVectors, kind } as const;
  return d === wanted ? plan : { ...plan, note: `d = ${d}: ${wanted} does not divide the ${columns} weights per output` };
}

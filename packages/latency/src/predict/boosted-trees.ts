import { binMatrix, fitTree, predictTree, type TreeJson, type TreeOptions } from './regression-tree';

export interface BoostedTreesJson {
  base: number;
  learningRate: number;
  trees: TreeJson[];
}

export interface BoostOptions extends TreeOptions {
  rounds: number;
  learningRate: number;
  maxBins: number;
}

export const DEFAULT_BOOST_OPTIONS: BoostOptions = {
  rounds: 300,
  learningRate: 0.1,
  maxDepth: 5,
  minLeafHessian: 1e-3,
  minLeafRows: 1,
  lambda: 1e-3,
  maxBins: 128,
};

/**
 * Gradient-boosted regression trees, least squares: `base + lr * sum(trees)`
 * fitted to weighted targets `y` (rows x cols features, row-major).
 */
export function fitBoostedTrees(
  x: Float64Array,
  rows: number,
  cols: number,
  y: Float64Array,
  w: Float64Array,
  options: Partial<BoostOptions> = {},
): BoostedTreesJson {
  const o = { ...DEFAULT_BOOST_OPTIONS, ...options };
  let sw = 0;
  let swy = 0;
  for (let r = 0; r < rows; r++) {
    sw += w[r]!;
    swy += w[r]! * y[r]!;
  }
  const base = sw > 0 ? swy / sw : 0;
  const model: BoostedTreesJson = { base, learningRate: o.learningRate, trees: [] };
  if (rows < 2) return model;
  const m = binMatrix(x, rows, cols, o.maxBins);
  const pred = new Float64Array(rows).fill(base);
  const g = new Float64Array(rows);
  const all = Int32Array.from({ length: rows }, (_, i) => i);
  // normalise the hessian so that minLeafHessian and lambda mean the same at any weight scale
  const scale = rows / sw;
  const h = Float64Array.from(w, (v) => v * scale);
  for (let t = 0; t < o.rounds; t++) {
    let sse = 0;
    for (let r = 0; r < rows; r++) {
      const res = y[r]! - pred[r]!;
      g[r] = -h[r]! * res;
      sse += h[r]! * res * res;
    }
    if (sse / rows < 1e-14) break;
    const tree = fitTree(m, all, g, h, o);
    if (tree.feature.length === 1) break;
    model.trees.push(tree);
    const row = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) row[c] = x[r * cols + c]!;
      pred[r] += o.learningRate * predictTree(tree, row);
    }
  }
  return model;
}

export function predictBoosted(model: BoostedTreesJson, x: ArrayLike<number>): number {
  let s = 0;
  for (const tree of model.trees) s += predictTree(tree, x);
  return model.base + model.learningRate * s;
}

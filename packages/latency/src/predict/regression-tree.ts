/**
 * Histogram-based regression trees fitted to first/second-order statistics
 * (G, H) per row: a leaf's value is -sum(G) / (sum(H) + lambda) and a split's
 * gain is the usual G^2/(H+lambda) improvement (XGBoost, Chen & Guestrin
 * 2016). With G = -w*r and H = w this is weighted least squares on r.
 */
export interface TreeJson {
  /** per node: feature index, -1 for a leaf */
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

export interface TreeOptions {
  maxDepth: number;
  minLeafHessian: number;
  minLeafRows: number;
  lambda: number;
}

/** Features quantised into at most 255 bins, with each bin's upper threshold. */
export interface BinnedMatrix {
  rows: number;
  cols: number;
  bins: Uint8Array;
  /** per feature: threshold between bin b and b+1 is thresholds[f][b] */
  thresholds: number[][];
}

export function binMatrix(x: Float64Array, rows: number, cols: number, maxBins = 64): BinnedMatrix {
  const bins = new Uint8Array(rows * cols);
  const thresholds: number[][] = [];
  const column = new Float64Array(rows);
  for (let f = 0; f < cols; f++) {
    for (let r = 0; r < rows; r++) column[r] = x[r * cols + f]!;
    const sorted = Float64Array.from(column).sort();
    const unique: number[] = [];
    for (const v of sorted) if (unique.length === 0 || v !== unique[unique.length - 1]) unique.push(v);
    let cuts: number[];
    if (unique.length <= maxBins) {
      cuts = unique.slice(0, -1).map((v, i) => (v + unique[i + 1]!) / 2);
    } else {
      const set = new Set<number>();
      for (let b = 1; b < maxBins; b++) {
        const q = sorted[Math.floor((b * rows) / maxBins)]!;
        const i = unique.indexOf(q);
        if (i > 0) set.add((unique[i - 1]! + q) / 2);
      }
      cuts = [...set].sort((a, b) => a - b);
    }
    thresholds.push(cuts);
    for (let r = 0; r < rows; r++) {
      const v = column[r]!;
      let lo = 0;
      let hi = cuts.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (v > cuts[mid]!) lo = mid + 1;
        else hi = mid;
      }
      bins[r * cols + f] = lo;
    }
  }
  return { rows, cols, bins, thresholds };
}

/** Fits one tree on the given rows (indices into the binned matrix). */
export function fitTree(m: BinnedMatrix, rowsIn: Int32Array, g: Float64Array, h: Float64Array, o: TreeOptions): TreeJson {
  const tree: TreeJson = { feature: [], threshold: [], left: [], right: [], value: [] };
  const bins = m.bins;
  const cols = m.cols;
  const histG = new Float64Array(256);
  const histH = new Float64Array(256);
  const histN = new Int32Array(256);
  const grow = (rows: Int32Array, depth: number): number => {
    const n = rows.length;
    let sg = 0;
    let sh = 0;
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      sg += g[r]!;
      sh += h[r]!;
    }
    const node = tree.feature.length;
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push(-sg / (sh + o.lambda));
    if (depth >= o.maxDepth || n < 2 * o.minLeafRows) return node;
    const parentScore = (sg * sg) / (sh + o.lambda);
    let bestGain = 1e-12;
    let bestF = -1;
    let bestBin = -1;
    for (let f = 0; f < cols; f++) {
      const cuts = m.thresholds[f]!.length;
      if (cuts === 0) continue;
      histG.fill(0, 0, cuts + 1);
      histH.fill(0, 0, cuts + 1);
      histN.fill(0, 0, cuts + 1);
      for (let i = 0; i < n; i++) {
        const r = rows[i]!;
        const b = bins[r * cols + f]!;
        histG[b] += g[r]!;
        histH[b] += h[r]!;
        histN[b]++;
      }
      let lg = 0;
      let lh = 0;
      let ln = 0;
      for (let b = 0; b < cuts; b++) {
        lg += histG[b]!;
        lh += histH[b]!;
        ln += histN[b]!;
        if (ln < o.minLeafRows || lh < o.minLeafHessian) continue;
        const rn = n - ln;
        const rh = sh - lh;
        if (rn < o.minLeafRows || rh < o.minLeafHessian) continue;
        const rg = sg - lg;
        const gain = (lg * lg) / (lh + o.lambda) + (rg * rg) / (rh + o.lambda) - parentScore;
        if (gain > bestGain) {
          bestGain = gain;
          bestF = f;
          bestBin = b;
        }
      }
    }
    if (bestF < 0) return node;
    let nLeft = 0;
    for (let i = 0; i < n; i++) if (bins[rows[i]! * cols + bestF]! <= bestBin) nLeft++;
    const leftRows = new Int32Array(nLeft);
    const rightRows = new Int32Array(n - nLeft);
    let li = 0;
    let ri = 0;
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      if (bins[r * cols + bestF]! <= bestBin) leftRows[li++] = r;
      else rightRows[ri++] = r;
    }
    tree.feature[node] = bestF;
    tree.threshold[node] = m.thresholds[bestF]![bestBin]!;
    tree.left[node] = grow(leftRows, depth + 1);
    tree.right[node] = grow(rightRows, depth + 1);
    return node;
  };
  grow(rowsIn, 0);
  return tree;
}

export function predictTree(tree: TreeJson, x: ArrayLike<number>): number {
  let n = 0;
  while (tree.feature[n]! >= 0) n = x[tree.feature[n]!]! <= tree.threshold[n]! ? tree.left[n]! : tree.right[n]!;
  return tree.value[n]!;
}

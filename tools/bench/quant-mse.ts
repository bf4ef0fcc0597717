// Reconstruction MSE of N(0,1) and Laplace(0,1) tensors at 2/3/4/8 bits for
// the number formats and calibrations of @oqat/quant. Prints a markdown table.
//
//   npx tsx tools/bench/quant-mse.ts [--n 65536] [--seed 1]
import { createRng, type Rng } from '@oqat/core';
import { calibrate, decodeUniform, encodeUniform, meanSquaredError, reconstructionError } from '@oqat/quant';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const n = arg('n', 65536);
const seed = arg('seed', 1);

function sample(rng: Rng, dist: 'normal' | 'laplace'): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (dist === 'normal') out[i] = rng.normal();
    else {
      const u = rng.next() - 0.5; // Laplace(0, 1) by inverting its CDF
      out[i] = -Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
    }
  }
  return out;
}

function uniformMse(x: Float32Array, bits: number, method: 'min-max' | 'mse' | 'lsq-init'): number {
  const p = calibrate(x, { method, bits, signed: true });
  return meanSquaredError(x, decodeUniform(encodeUniform(x, p), p));
}

const columns = ['min-max', 'MSE-optimal', 'LSQ-init', 'power-of-two', 'ESB (best k)', 'ABFP (block 16)'];
const lines: string[] = [];
lines.push(`| distribution | bits | ${columns.join(' | ')} |`);
lines.push(`|---|---:|${columns.map(() => '---:').join('|')}|`);
const started = Date.now();
for (const dist of ['normal', 'laplace'] as const) {
  const x = sample(createRng(seed), dist);
  for (const bits of [2, 3, 4, 8]) {
    const esb = reconstructionError(x, { format: 'esb', bits, signed: true });
    const cells = [
      uniformMse(x, bits, 'min-max'),
      uniformMse(x, bits, 'mse'),
      uniformMse(x, bits, 'lsq-init'),
      reconstructionError(x, { format: 'pow2', bits, signed: true }).mse,
      esb.mse,
      reconstructionError(x, { format: 'abfp', bits, signed: true, blockSize: 16 }).mse,
    ].map((v) => v.toExponential(2));
    cells[4] = `${cells[4]} (k=${esb.encoded.significantBits})`;
    lines.push(`| ${dist === 'normal' ? 'N(0,1)' : 'Laplace(0,1)'} | ${bits} | ${cells.join(' | ')} |`);
  }
}
process.stdout.write(`${lines.join('\n')}\n\n${n} samples per distribution, seed ${seed}, ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

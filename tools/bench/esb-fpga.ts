// The simulated fpga's price of ESB against uniform codes (docs/benchmarks-quant.md, "ESB"):
// LUTs per MAC unit at each width (weights ESB at the paper's default k, inputs uniform, as
// lowerSubnet lowers an esb run), and the latency of the largest subnet of the Fashion-MNIST
// space and of OFA-MobileNetV3 under an esb run vs an lsq run. Also DDA's λ(b, k) and D(λ).
//
//   node --import tsx tools/bench/esb-fpga.ts
import { fpgaMacLuts, largestSubnet, lowerSubnet, OFA_MBV3_SPACE, simulateNetwork } from '@oqat/latency';
import { esbDdaLambda, esbDefaultSignificantBits, esbGrid } from '@oqat/quant';
import { FASHION_MNIST_SPACE, lowerOptionsFor } from '@oqat/search';

console.log('| bits | k (weights) | maxLevel | uniform LUTs/MAC | ESB LUTs/MAC | ESB/uniform |');
console.log('|---:|---:|---:|---:|---:|---:|');
for (const bits of [8, 6, 5, 4, 3, 2]) {
  const k = esbDefaultSignificantBits(bits, true);
  const u = fpgaMacLuts(bits, bits);
  const e = fpgaMacLuts(bits, bits, undefined, { weight: k });
  console.log(`| ${bits} | ${k} | ${esbGrid(bits, true, k).maxLevel} | ${u.toFixed(1)} | ${e.toFixed(1)} | ${(e / u).toFixed(3)} |`);
}

console.log('\n| space (largest subnet) | bits | lsq run ms | esb run ms | esb/lsq |');
console.log('|---|---:|---:|---:|---:|');
for (const space of [FASHION_MNIST_SPACE, OFA_MBV3_SPACE]) {
  for (const bits of [4, 3, 2]) {
    const ms = (quantizer: 'lsq' | 'esb') =>
      simulateNetwork('fpga', lowerSubnet(space, largestSubnet(space, bits), lowerOptionsFor({ fixedBits: 8, quantizer, esb: { significantBits: 0 } }))).latencyMs;
    const [u, e] = [ms('lsq'), ms('esb')];
    console.log(`| ${space.name} | ${bits} | ${u.toFixed(4)} | ${e.toFixed(4)} | ${(e / u).toFixed(4)} |`);
  }
}

console.log('\n| bits | k | λ(b,k) (alpha = λ·σ) | D(λ), σ = 1 |');
console.log('|---:|---:|---:|---:|');
for (const bits of [2, 3, 4, 5, 8]) {
  for (let k = 1; k <= bits - 1; k++) {
    const { lambda, difference } = esbDdaLambda(bits, true, k);
    console.log(`| ${bits} | ${k}${k === esbDefaultSignificantBits(bits, true) ? ' (default)' : ''}${k === bits - 1 ? ' (uniform)' : ''} | ${lambda.toPrecision(4)} | ${difference.toExponential(3)} |`);
  }
}

import { elasticLayerNames, subnetLayerBits, type SearchSpace, type SubnetSpec } from '@oqat/latency';

/**
 * Feature vector of a subnet for an accuracy predictor, laid out as OFA's
 * arch2feature: per block slot (every stage at its maximum depth) a one-hot of
 * the kernel and a one-hot of the expand ratio, all zeros for a block the
 * subnet skips (so depth is implied); then one-hots of resolution and bits.
 */
export function encodeSubnet(space: SearchSpace, spec: SubnetSpec): Float32Array {
  const out = new Float32Array(subnetFeatureLength(space));
  let at = 0;
  space.stages.forEach((stage, i) => {
    const maxDepth = stage.depths[stage.depths.length - 1]!;
    for (let j = 0; j < maxDepth; j++) {
      if (j < spec.depths[i]!) {
        out[at + stage.kernels.indexOf(spec.kernels[i]![j]!)] = 1;
        out[at + stage.kernels.length + stage.expands.indexOf(spec.expands[i]![j]!)] = 1;
      }
      at += stage.kernels.length + stage.expands.length;
    }
  });
  out[at + space.resolutions.indexOf(spec.resolution)] = 1;
  at += space.resolutions.length;
  out[at + space.bits.indexOf(spec.bits)] = 1;
  return out;
}

/** Length of encodeSubnet's vector for a space. */
export function subnetFeatureLength(space: SearchSpace): number {
  const blocks = space.stages.reduce(
    (sum, s) => sum + s.depths[s.depths.length - 1]! * (s.kernels.length + s.expands.length),
    0,
  );
  return blocks + space.resolutions.length + space.bits.length;
}

/**
 * Per-layer precision features: one ordinal per elastic layer of the space at
 * its maximum depth (elasticLayerNames' order), log2(bits)/5 (2 bit → 0.2,
 * 4 bit → 0.4) so the predictor learns that 3 lies between 2 and 4; zero for a
 * layer of a block the subnet skips. A uniform subnet fills every active slot
 * with its one width, so what a predictor learns on uniform subnets carries
 * over to mixed ones.
 */
export function encodeLayerBits(space: SearchSpace, spec: SubnetSpec): Float32Array {
  const all = elasticLayerNames(space);
  const out = new Float32Array(all.length);
  const active = new Set(elasticLayerNames(space, spec.depths));
  all.forEach((name, i) => {
    if (active.has(name)) out[i] = Math.log2(subnetLayerBits(spec, name, 8, 'elastic')) / 5;
  });
  return out;
}

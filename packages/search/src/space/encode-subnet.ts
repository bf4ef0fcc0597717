import type { SearchSpace, SubnetSpec } from '@oqat/latency';

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

import type { Rng } from '@oqat/core';
import { elasticLayerNames, largestSubnet, sampleSubnet, type SearchSpace, smallestSubnet, type SubnetSpec } from '@oqat/latency';
import { encodeLayerBits, encodeSubnet, subnetFeatureLength } from '../space/encode-subnet';
import { crossoverSubnets, mutateSubnet } from '../space/evolve-subnet';
import { subnetKey } from '../space/subnet-spec';
import { InvalidSearchConfigError } from './errors';
import { checkProb } from './options';
import type { CandidateEncoder } from './types';

export interface SubnetEncoderOptions {
  /**
   * Bit widths the search may pick: the widths the supernet was actually
   * trained at (say 4, 3, 2 after bit inheritance), a subset of space.bits.
   * Default: every width of the space.
   */
  bits?: readonly number[];
  /**
   * Search per-layer bits: mutation and crossover also change each elastic
   * layer's width among the quantized `bits` (each layer redrawn with
   * `layerMutateProb`; a float subnet stays uniform), and the features add
   * one ordinal per layer.
   * Sampling and the anchors stay uniform, so the initial population is the
   * uniform search's. Default false: uniform subnets, as before.
   */
  perLayerBits?: boolean;
  /** with perLayerBits: each layer's redraw probability in a mutation (default: the mutation's per-choice probability) */
  layerMutateProb?: number;
  /** with perLayerBits: a redrawn layer goes to 'any' width or an 'adjacent' one (default 'any') */
  layerMoves?: 'any' | 'adjacent';
}

/**
 * Adapts the search space's SubnetSpec helpers (sample, mutate, crossover,
 * key, OFA-style one-hot features) to the evolution's CandidateEncoder.
 * Restricting bits narrows the space itself, so sampling, mutation and the
 * one-hot of the features all agree on which widths exist.
 */
export function subnetEncoder(space: SearchSpace, options: SubnetEncoderOptions = {}): CandidateEncoder<SubnetSpec> {
  const bits = options.bits ? [...options.bits].sort((a, b) => a - b) : space.bits;
  if (bits.length === 0 || bits.some((b) => !space.bits.includes(b)) || new Set(bits).size !== bits.length) {
    throw new InvalidSearchConfigError('bits', `must be distinct widths of space '${space.name}' (${space.bits.join(', ')}), got ${bits.join(', ') || 'none'}`);
  }
  const narrowed: SearchSpace = { ...space, bits };
  const perLayer = options.perLayerBits === true;
  if (options.layerMutateProb !== undefined) checkProb(options.layerMutateProb, 'layerMutateProb');
  const uniformLength = subnetFeatureLength(narrowed) + 1;
  const length = uniformLength + (perLayer ? elasticLayerNames(space).length : 0);
  return {
    sample: (rng: Rng) => sampleSubnet(narrowed, rng),
    mutate: (spec, rng, prob) => mutateSubnet(narrowed, spec, rng, { prob, layerProb: perLayer ? (options.layerMutateProb ?? prob) : undefined, layerMoves: options.layerMoves }),
    crossover: (a, b, rng) => crossoverSubnets(a, b, rng, { layerBitsOf: perLayer ? narrowed : undefined }),
    key: subnetKey,
    // The front's two ends at every width: the most accurate and the cheapest subnets there are.
    anchors: () => bits.flatMap((b) => [largestSubnet(narrowed, b), smallestSubnet(narrowed, b)]),
    feature: (spec) => {
      const out = new Float32Array(length);
      out.set(encodeSubnet(narrowed, spec));
      // The bit width once more as an ordinal (log2(bits)/5: 2 bit → 0.2, 32 bit → 1): the
      // one-hot says which width, this says that 3 lies between 2 and 4, so what the predictor
      // learns about 2- and 4-bit subnets carries over to 3-bit ones.
      out[uniformLength - 1] = Math.log2(spec.bits) / 5;
      if (perLayer) out.set(encodeLayerBits(narrowed, spec), uniformLength);
      return out;
    },
  };
}

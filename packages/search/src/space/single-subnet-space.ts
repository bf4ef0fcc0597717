import type { SearchSpace, SubnetSpec } from '@oqat/latency';
import { InvalidSubnetError } from '../errors';

/**
 * A space whose only member is `spec` (at its bit width, float kept too):
 * training it trains that one architecture alone, the baseline OQAT compares
 * supernet subnets against. Needs one kernel and one expand per stage.
 */
export function singleSubnetSpace(space: SearchSpace, spec: SubnetSpec): SearchSpace {
  return {
    ...space,
    name: `${space.name}/alone`,
    resolutions: [spec.resolution],
    stages: space.stages.map((s, i) => {
      const kernels = [...new Set(spec.kernels[i])];
      const expands = [...new Set(spec.expands[i])];
      if (kernels.length !== 1 || expands.length !== 1) {
        throw new InvalidSubnetError(`kernels[${i}]/expands[${i}]`, 'must use one kernel and one expand ratio per stage to train alone');
      }
      return { ...s, depths: [spec.depths[i]!], kernels, expands };
    }),
  };
}

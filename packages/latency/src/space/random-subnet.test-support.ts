import type { Rng } from '@oqat/core';
import type { LayerDesc } from '../ir/layer-desc';
import { lowerSubnet } from './lower-subnet';
import { OFA_MBV3_SPACE } from './ofa-mbv3-space';
import { sampleSubnet } from './sample-subnet';
import type { SearchSpace } from './search-space';

/** The OFA space at the small inputs this project trains on (32-40 px, 10 classes): cheap to measure. */
export const SMALL_OFA_SPACE: SearchSpace = { ...OFA_MBV3_SPACE, name: 'ofa-mbv3-small', resolutions: [32, 36, 40], numClasses: 10 };

/** A random subnet of the space, lowered exactly as search lowers it. */
export function randomSubnetLayers(rng: Rng, space: SearchSpace = OFA_MBV3_SPACE): LayerDesc[] {
  return lowerSubnet(space, sampleSubnet(space, rng));
}

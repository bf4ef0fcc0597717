import { OFA_MBV3_SPACE, type SearchSpace } from '@oqat/latency';
import { InvalidSpaceError } from '../errors';
import { FASHION_MNIST_SPACE } from './fashion-mnist-space';
import { parseSearchSpace } from './parse-search-space';
import { SEGMENTATION_SCENES_SPACE } from './segmentation-scenes-space';

/** Spaces that ship with the package, by the name a config may use. */
export const BUILTIN_SPACES: Readonly<Record<string, SearchSpace>> = {
  'fashion-mnist': FASHION_MNIST_SPACE,
  'ofa-mbv3': OFA_MBV3_SPACE,
  'segmentation-scenes': SEGMENTATION_SCENES_SPACE,
};

/** A built-in space by name, or a space JSON value validated by parseSearchSpace. */
export function resolveSearchSpace(space: string | unknown): SearchSpace {
  if (typeof space === 'string') {
    const found = BUILTIN_SPACES[space];
    if (!found) throw new InvalidSpaceError('name', `'${space}' is not a built-in space (known: ${Object.keys(BUILTIN_SPACES).join(', ')}); pass a space object instead`);
    return found;
  }
  return parseSearchSpace(space);
}

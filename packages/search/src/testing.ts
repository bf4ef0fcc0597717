// @oqat/search/testing: fixtures for the tests of packages built on search
// (@oqat/export's): tiny spaces and a tiny perturbed quantized supernet.
// Test code only; not part of the public API in src/index.ts.

export { TINY_SPACE, TINY_SEGMENTATION_SPACE } from './supernet/tiny-space';
export {
  appLogits, argmaxRows, inheritedWeightQuants, maxAbsDiff, prepareSubnet, sameTop1, tinyExportFixture, tinySegmentationExportFixture,
  TINY_SEGMENTATION_SPECS, TINY_SPECS, type TinyExportFixture,
} from './supernet/tiny-export.fixture';
export { craftCheckpoint, validCheckpointParts, type CheckpointHeader } from './checkpoint/crafted-checkpoint.fixture';
export { writeWidthsCheckpoint } from './checkpoint/widths-checkpoint.fixture';

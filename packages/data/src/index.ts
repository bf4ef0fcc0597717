// Public API of @oqat/data: datasets as uint8 arrays and seeded batch
// iterators that turn them into float arrays or tensors (the seeded rng they
// take is @oqat/core's).
export type { ImageDataset, SegmentationDataset, Normalization } from './types';

export { parseIdx } from './idx/parse-idx';
export type { IdxArray } from './idx/parse-idx';
export { encodeIdx } from './idx/encode-idx';
export { readIdxFile, readIdxFileHeader, isGzip } from './idx/read-idx-file';
export type { IdxFileHeader } from './idx/read-idx-file';
export { writeIdxFile } from './idx/write-idx-file';

export {
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_FILES,
  FASHION_MNIST_STATS,
  FASHION_MNIST_BASE_URL,
  FASHION_MNIST_MD5,
} from './datasets/fashion-mnist-files';
export type { SplitName } from './datasets/fashion-mnist-files';
export { loadIdxDataset } from './datasets/idx-dataset';
export type { IdxDatasetFiles } from './datasets/idx-dataset';
export {
  resolveFashionMnist,
  defaultFetchDir,
  DATASET_REQUESTS,
  SYSTEM_DATASET_DIR,
  SUBSET_DATASET_DIR,
} from './datasets/resolve-fashion-mnist';
export type { DatasetRequest, DatasetKind, DatasetLocation, ResolveDatasetOptions } from './datasets/resolve-fashion-mnist';
export { loadFashionMnist } from './datasets/load-fashion-mnist';
export type { FashionMnist } from './datasets/load-fashion-mnist';
export { describeDataset, formatDatasetDescription } from './datasets/describe-dataset';
export type { DatasetDescription, SplitDescription } from './datasets/describe-dataset';
export { fetchFashionMnist } from './datasets/fetch-fashion-mnist';
export type { FetchOptions, FetchProgress } from './datasets/fetch-fashion-mnist';
export { selectBalanced, indicesByClass } from './datasets/select-balanced';
export { takeItems } from './datasets/take-items';
export { splitValidation } from './datasets/split-validation';
export type { ValidationSplit, ValidationSplitOptions } from './datasets/split-validation';
export { makeSegmentationScenes } from './datasets/segmentation-scenes';
export type { SceneOptions } from './datasets/segmentation-scenes';
export { loadPngSegmentationFolder } from './datasets/png-segmentation-folder';
export type { PngFolderOptions, SegmentationFolderData } from './datasets/png-segmentation-folder';

export { decodeImage, IMAGE_EXTENSIONS } from './folders/decode-image';
export type { DecodedImage } from './folders/decode-image';
export { scanDataFolder } from './folders/scan-data-folder';
export type { DataFolderScan, ClassificationScan, ClassFiles, FolderLayout } from './folders/scan-data-folder';
export type { BadFile } from './folders/decode-folder';
export { loadImageFolder, pixelStatistics } from './folders/load-image-folder';
export type { ImageFolderData, ImageFolderOptions } from './folders/load-image-folder';
export { describeDataFolder, formatDataFolderDescription, segmentationClassNames } from './folders/describe-data-folder';
export type { DataFolderDescription, FolderSplitDescription } from './folders/describe-data-folder';

export { bilinearPlan, resizeBilinear } from './transforms/resize-bilinear';
export type { BilinearPlan } from './transforms/resize-bilinear';
export { padAndCrop } from './transforms/pad-and-crop';
export { flipHorizontal } from './transforms/flip-horizontal';
export { resizeToCover } from './transforms/resize-to-cover';
export { normalizePixels, UNIT_RANGE } from './transforms/normalize';

export type { BatchOptions, AugmentOptions } from './batches/batch-options';
export { floatBatches, imageBatchCount, epochOrder } from './batches/image-batches';
export type { FloatBatch } from './batches/image-batches';
export { floatSegmentationBatches } from './batches/segmentation-batches';
export type { FloatSegmentationBatch } from './batches/segmentation-batches';
export { tensorBatches, segmentationTensorBatches } from './batches/tensor-batches';
export type { TensorBatch, SegmentationTensorBatch } from './batches/tensor-batches';
export { inPlaceBatchStream, mapBatchStream } from './batches/batch-stream';
export type { BatchStream } from './batches/batch-stream';
export { startImageBatchPrefetcher, startSegmentationBatchPrefetcher, sharedImageDataset, sharedSegmentationDataset } from './batches/batch-prefetch';
export type { BatchPrefetcher } from './batches/batch-prefetch';

export * from './errors';

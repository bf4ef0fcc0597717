import { IdxEmptySplitError, IdxImageShapeError } from '../errors';

/** Facts about Fashion-MNIST shared by the loader, the describer and the downloader. */

export const FASHION_MNIST_CLASSES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

export type SplitName = 'train' | 'test';

/** Every Fashion-MNIST image: 28×28 pixels, one channel (the search spaces' input). */
export const FASHION_MNIST_IMAGE = { height: 28, width: 28 } as const;

/**
 * A split's image dimensions, checked before use: [count ≥ 1, 28, 28] (a
 * trailing channel dimension of 1 allowed). Other IDX files are read by
 * loadIdxDataset as they are; these feed networks built for 28×28.
 */
export function checkFashionMnistImages(file: string, split: SplitName, dims: readonly number[]): void {
  const { height, width } = FASHION_MNIST_IMAGE;
  const [count, h, w, c = 1] = dims;
  const rankOk = dims.length === 3 || dims.length === 4;
  if (!rankOk || h !== height || w !== width || c !== 1) {
    throw new IdxImageShapeError(file, dims, `[${height}, ${width}] (28×28, one channel)`);
  }
  if (count === 0) throw new IdxEmptySplitError(file, split);
}

/** File base names as published (the .gz suffix is added where compressed). */
export const FASHION_MNIST_FILES: Readonly<Record<SplitName, { images: string; labels: string }>> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

export const FASHION_MNIST_FILE_NAMES: readonly string[] = [
  FASHION_MNIST_FILES.train.images,
  FASHION_MNIST_FILES.train.labels,
  FASHION_MNIST_FILES.test.images,
  FASHION_MNIST_FILES.test.labels,
];

/**
 * Mean and standard deviation of the full training split's pixels scaled to
 * [0, 1] (measured: see normalize.test.ts). Pass as `normalize` to center inputs.
 */
export const FASHION_MNIST_STATS = { mean: 0.286, std: 0.353 } as const;

/** The official host (zalandoresearch/fashion-mnist README); S3 website endpoints serve HTTP only. */
export const FASHION_MNIST_BASE_URL = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com';

/** MD5 of the official .gz files, as listed in the zalandoresearch/fashion-mnist README. */
export const FASHION_MNIST_MD5: Readonly<Record<string, string>> = {
  'train-images-idx3-ubyte.gz': '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
  'train-labels-idx1-ubyte.gz': '25c81989df183df01b3e8a0aad5dffbe',
  't10k-images-idx3-ubyte.gz': 'bef4ecab320f06d8554ea6380940ec79',
  't10k-labels-idx1-ubyte.gz': 'bb300cfdad3c16e7a12a480ee83cd310',
};

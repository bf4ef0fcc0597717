import { IdxCountMismatchError, IdxRankError, LabelOutOfRangeError } from '../errors';
import { readIdxFile, readIdxFileHeader } from '../idx/read-idx-file';
import { FASHION_MNIST_CLASSES, checkFashionMnistImages, type SplitName } from './fashion-mnist-files';
import { resolveFashionMnist, type DatasetKind, type ResolveDatasetOptions } from './resolve-fashion-mnist';

export interface SplitDescription {
  readonly count: number;
  /** Items per class, indexed by class id. */
  readonly perClass: readonly number[];
  readonly imagesFile: string;
  readonly labelsFile: string;
}

export interface DatasetDescription {
  readonly name: 'fashion-mnist';
  readonly kind: DatasetKind;
  readonly dir: string;
  readonly height: number;
  readonly width: number;
  readonly classNames: readonly string[];
  readonly splits: Readonly<Record<SplitName, SplitDescription>>;
}

async function describeSplit(split: SplitName, files: { images: string; labels: string }): Promise<SplitDescription & { dims: readonly number[] }> {
  // Only the image header is read (checked against the file length); the
  // labels are small enough to read whole, which gives the per-class counts.
  const [header, labels] = await Promise.all([readIdxFileHeader(files.images), readIdxFile(files.labels)]);
  checkFashionMnistImages(files.images, split, header.dims);
  if (header.dims.length !== 3) throw new IdxRankError(files.images, 3, header.dims);
  if (labels.dims.length !== 1) throw new IdxRankError(files.labels, 1, labels.dims);
  if (header.dims[0] !== labels.dims[0]) {
    throw new IdxCountMismatchError(files.images, header.dims[0]!, files.labels, labels.dims[0]!);
  }
  const perClass: number[] = FASHION_MNIST_CLASSES.map(() => 0);
  labels.data.forEach((label, i) => {
    if (label >= perClass.length) throw new LabelOutOfRangeError(files.labels, i, label, perClass.length);
    perClass[label]!++;
  });
  return { count: labels.dims[0]!, perClass, imagesFile: files.images, labelsFile: files.labels, dims: header.dims };
}

/** Which Fashion-MNIST copy is used and what it holds (for `oqat data info`). Fast: reads labels and headers only. */
export async function describeDataset(options: ResolveDatasetOptions = {}): Promise<DatasetDescription> {
  const location = resolveFashionMnist(options);
  const [train, test] = await Promise.all([describeSplit('train', location.files.train), describeSplit('test', location.files.test)]);
  const strip = ({ dims: _dims, ...split }: SplitDescription & { dims: readonly number[] }): SplitDescription => split;
  return {
    name: 'fashion-mnist',
    kind: location.kind,
    dir: location.dir,
    height: train.dims[1]!,
    width: train.dims[2]!,
    classNames: FASHION_MNIST_CLASSES,
    splits: { train: strip(train), test: strip(test) },
  };
}

const KIND_LABEL: Readonly<Record<DatasetKind, string>> = {
  env: 'full set from $OQAT_DATA',
  system: 'full set from the Debian package dataset-fashion-mnist',
  fetched: 'full set downloaded by `oqat data fetch`',
  subset: 'balanced subset shipped in the repo',
};

/** Human-readable lines for `oqat data info` (the --json form prints the description itself). */
export function formatDatasetDescription(description: DatasetDescription): string {
  const { train, test } = description.splits;
  const width = Math.max(...description.classNames.map((name) => name.length));
  const rows = description.classNames.map(
    (name, c) =>
      `  ${String(c).padStart(2)} ${name.padEnd(width)}  ${String(train.perClass[c]).padStart(6)}  ${String(test.perClass[c]).padStart(6)}`,
  );
  return [
    `dataset: ${description.name} (${KIND_LABEL[description.kind]})`,
    `path:    ${description.dir}`,
    `images:  ${description.height}x${description.width}, 1 channel, ${description.classNames.length} classes`,
    `splits:  train ${train.count}, test ${test.count}`,
    `  id ${'class'.padEnd(width)}  ${'train'.padStart(6)}  ${'test'.padStart(6)}`,
    ...rows,
  ].join('\n');
}

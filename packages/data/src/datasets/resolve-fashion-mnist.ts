import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatasetNotFoundError, InvalidDataOptionError } from '../errors';
import { FASHION_MNIST_FILES, FASHION_MNIST_FILE_NAMES, type SplitName } from './fashion-mnist-files';

/** What the caller asks for: the best copy available, the shipped subset, or the full set only. */
export type DatasetRequest = 'auto' | 'subset' | 'full';
export const DATASET_REQUESTS: readonly DatasetRequest[] = ['auto', 'subset', 'full'];
/** Where the copy in use came from. */
export type DatasetKind = 'env' | 'system' | 'fetched' | 'subset';

export interface ResolveDatasetOptions {
  readonly source?: DatasetRequest;
  /** Environment to read OQAT_DATA (and XDG_CACHE_HOME) from; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Folder of the Debian package dataset-fashion-mnist; default /usr/share/datasets/fashion-mnist. */
  readonly systemDir?: string;
  /** Folder `oqat data fetch` downloads into; default defaultFetchDir(env). */
  readonly fetchDir?: string;
  /** Folder of the shipped subset; default packages/data/assets/fashion-mnist-subset. */
  readonly subsetDir?: string;
}

export interface DatasetLocation {
  readonly kind: DatasetKind;
  readonly dir: string;
  /** Absolute paths of the IDX files of each split. */
  readonly files: Readonly<Record<SplitName, { images: string; labels: string }>>;
}

export const SYSTEM_DATASET_DIR = '/usr/share/datasets/fashion-mnist';
export const SUBSET_DATASET_DIR = fileURLToPath(new URL('../../assets/fashion-mnist-subset', import.meta.url));

/** Where `oqat data fetch` puts the full set by default: $XDG_CACHE_HOME/oqat/fashion-mnist or ~/.cache/…. */
export function defaultFetchDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const cache = env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(cache, 'oqat', 'fashion-mnist');
}

/** The path of a data file in `dir`, compressed (.gz) or raw, or undefined if neither exists. */
function findFile(dir: string, base: string): string | undefined {
  return [join(dir, `${base}.gz`), join(dir, base)].find((candidate) => existsSync(candidate));
}

/** The Fashion-MNIST IDX files in `dir`, or the names missing there. */
export function locateFashionMnist(dir: string, kind: DatasetKind): DatasetLocation | { missing: string[] } {
  const missing = FASHION_MNIST_FILE_NAMES.filter((base) => !findFile(dir, base));
  if (missing.length > 0) return { missing };
  const pair = (split: SplitName) => ({
    images: findFile(dir, FASHION_MNIST_FILES[split].images)!,
    labels: findFile(dir, FASHION_MNIST_FILES[split].labels)!,
  });
  return { kind, dir, files: { train: pair('train'), test: pair('test') } };
}

const isLocation = (x: DatasetLocation | { missing: string[] }): x is DatasetLocation => 'files' in x;

/**
 * Picks the Fashion-MNIST copy to use. An explicit $OQAT_DATA wins and must be
 * complete (a typo there should fail loudly, not silently train on the subset);
 * then the Debian package, then a fetched copy; 'auto' falls back to the subset
 * shipped in the repo so everything runs offline, 'full' fails with the fix.
 */
export function resolveFashionMnist(options: ResolveDatasetOptions = {}): DatasetLocation {
  const source = options.source ?? 'auto';
  if (!DATASET_REQUESTS.includes(source)) {
    throw new InvalidDataOptionError('resolveFashionMnist', 'source', source, DATASET_REQUESTS.join(' | '));
  }
  const subsetDir = options.subsetDir ?? SUBSET_DATASET_DIR;
  if (source === 'subset') {
    const subset = locateFashionMnist(subsetDir, 'subset');
    if (isLocation(subset)) return subset;
    throw new DatasetNotFoundError(
      `the shipped Fashion-MNIST subset in ${subsetDir} lacks ${subset.missing.join(', ')}`,
      'regenerate it with `npx tsx tools/data/make-subset.ts`',
    );
  }
  const env = options.env ?? process.env;
  const envDir = env['OQAT_DATA'];
  if (envDir) {
    const fromEnv = locateFashionMnist(envDir, 'env');
    if (isLocation(fromEnv)) return fromEnv;
    throw new DatasetNotFoundError(
      `OQAT_DATA=${envDir} lacks ${fromEnv.missing.map((base) => `${base}(.gz)`).join(', ')}`,
      'put the 4 Fashion-MNIST IDX files there, or unset OQAT_DATA',
    );
  }
  const systemDir = options.systemDir ?? SYSTEM_DATASET_DIR;
  const fetchDir = options.fetchDir ?? defaultFetchDir(env);
  for (const [dir, kind] of [[systemDir, 'system'], [fetchDir, 'fetched']] as const) {
    const found = locateFashionMnist(dir, kind);
    if (isLocation(found)) return found;
  }
  if (source === 'full') {
    throw new DatasetNotFoundError(
      `the full Fashion-MNIST set is not installed (looked in ${systemDir} and ${fetchDir})`,
      'run `oqat data fetch`, install the Debian package dataset-fashion-mnist, or set OQAT_DATA to a folder with the 4 IDX files',
    );
  }
  return resolveFashionMnist({ ...options, source: 'subset' });
}

/**
 * What the search benchmarks measure a trained supernet on: the checkpoint,
 * `valImages` training images from index `holdoutFrom` on (runs with
 * data.trainLimit N train on images 0..N-1 only) and BN batches from the
 * first `bnImages` training images. Options and loading in one place.
 */
import { loadFashionMnist, takeItems, type ImageDataset } from '@oqat/data';
import { initEngine, type EngineInfo, type Tensor } from '@oqat/engine';
import { bnBatches, loadSupernet, type LoadedSupernet } from '@oqat/search';

export const HOLDOUT_OPTIONS = {
  ckpt: { type: 'string' },
  'holdout-from': { type: 'string', default: '50000' },
  'val-images': { type: 'string', default: '1000' },
  'bn-images': { type: 'string', default: '500' },
} as const;

export type SupernetHoldout = LoadedSupernet & {
  engine: EngineInfo;
  validation: ImageDataset;
  bn: Tensor[];
  /** quantized widths the checkpoint trained */
  bits: number[];
  dispose(): void;
};

export async function loadSupernetHoldout(values: { ckpt?: string; 'holdout-from': string; 'val-images': string; 'bn-images': string }): Promise<SupernetHoldout> {
  if (!values.ckpt) throw new Error('--ckpt supernet.ckpt is required');
  const engine = await initEngine({ backend: 'wasm' });
  const loaded = loadSupernet(values.ckpt);
  const data = await loadFashionMnist({ source: 'full' });
  const from = Number(values['holdout-from']);
  const validation = takeItems(data.train, Int32Array.from({ length: Number(values['val-images']) }, (_, i) => from + i));
  const bn = bnBatches(data.train, Number(values['bn-images']), 250, 1);
  return {
    ...loaded, engine, validation, bn,
    bits: loaded.trainedBits.filter((b) => b < 32),
    dispose: () => {
      for (const t of bn) t.dispose();
      loaded.net.dispose();
    },
  };
}

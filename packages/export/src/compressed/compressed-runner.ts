import type { ImageDataset } from '@oqat/data';
import { tf } from '@oqat/engine';
import { decodeCompressed } from '@oqat/quant';
import { StaticMobileNet, staticTop1, type WeightMap } from '@oqat/search';
import { ExportFileError } from '../errors';
import { readCompressedModel, type CompressedModelContents } from './compressed-container';

/**
 * The tfjs runner of a compressed model file: its compressed layers decoded
 * (ALQ: Σ α·β per group; VQ: each sub-vector's codeword) into the float
 * static network the file describes, which runs on the app's tfjs backend
 * (normalized NHWC images in, logits out). The caller disposes it.
 */
export function loadCompressedNetwork(source: string | CompressedModelContents): StaticMobileNet {
  const contents = typeof source === 'string' ? readCompressedModel(source) : source;
  const { header } = contents;
  const weights: WeightMap = new Map();
  try {
    for (const [key, f] of contents.float) weights.set(key, tf.tensor(f.values, f.shape, 'float32'));
    for (const entry of header.layers) {
      const t = contents.layers[entry.name]!;
      weights.set(entry.key, tf.tensor(decodeCompressed(t), t.shape, 'float32'));
    }
    const net = new StaticMobileNet(header.config, weights);
    // Every tensor the network holds must have come from the file (a missing one would be freshly initialised).
    const missing = [...net.weights().keys()].filter((k) => !weights.has(k));
    if (missing.length) {
      net.dispose();
      throw new ExportFileError(typeof source === 'string' ? source : 'compressed model', `lacks ${missing.length} tensor(s) of its network (${missing.slice(0, 3).join(', ')})`, 'write it again with oqat compress');
    }
    return net;
  } catch (err) {
    if (!(err instanceof ExportFileError)) for (const t of weights.values()) t.dispose();
    throw err;
  }
}

/** Top-1 of a compressed model file on a labelled image set (normalized with the file's own normalization), run by tfjs. */
export function compressedModelTop1(path: string, test: ImageDataset): number {
  const contents = readCompressedModel(path);
  const net = loadCompressedNetwork(contents);
  try {
    return staticTop1(net, test, contents.header.normalization);
  } finally {
    net.dispose();
  }
}

import { tf } from '@oqat/engine';
import { compressedBytes, compressedSize, decodeCompressed, type CompressedTensor } from '@oqat/quant';
import { CompressedLayerError } from '../errors';
import { staticWeightLayers } from '../ptq/ptq-layers';
import { StaticMobileNet } from '../static/static-mobilenet';

/** The weight-map key of each conv and linear layer of a static network, by layer name ('blocks.0.dw' -> its conv's weight). */
export function compressibleLayers(net: StaticMobileNet): Map<string, { key: string; shape: number[] }> {
  return new Map(staticWeightLayers(net).map(({ name, layer }) => [name, { key: `${layer.name}.weight`, shape: [...layer.weight.shape] }]));
}

/** Throws CompressedLayerError unless every compressed layer names a conv or linear layer of `net` with the same shape. */
export function checkCompressedLayers(net: StaticMobileNet, layers: Readonly<Record<string, CompressedTensor>>): void {
  const known = compressibleLayers(net);
  for (const [name, t] of Object.entries(layers)) {
    const at = known.get(name);
    if (!at) throw new CompressedLayerError(name, `is not a conv or linear layer of the subnet (its layers: ${[...known.keys()].slice(0, 4).join(', ')}, …)`);
    if (t.shape.length !== at.shape.length || t.shape.some((d, i) => d !== at.shape[i])) {
      throw new CompressedLayerError(name, `has shape [${t.shape.join(', ')}], the subnet's weight [${at.shape.join(', ')}]`);
    }
  }
}

/**
 * A copy of a float static subnet whose named layers compute with the
 * decoded compressed weights (and whose other weights `floatWeights`
 * replaces, by weight-map key, where given). Activations stay float; the
 * layers' quantization configs are kept as they are (a float subnet has
 * none). The caller disposes the result.
 */
export function withCompressedWeights(
  net: StaticMobileNet, layers: Readonly<Record<string, CompressedTensor>>, floatWeights: Readonly<Record<string, Float32Array>> = {},
): StaticMobileNet {
  checkCompressedLayers(net, layers);
  const known = compressibleLayers(net);
  const replaced = new Map<string, Float32Array>(Object.entries(floatWeights));
  for (const [name, t] of Object.entries(layers)) replaced.set(known.get(name)!.key, decodeCompressed(t));
  const own = net.weights();
  for (const [key, values] of replaced) {
    const w = own.get(key);
    if (!w) throw new CompressedLayerError(key, 'is not a tensor of the subnet');
    if (values.length !== w.size) throw new CompressedLayerError(key, `has ${values.length} values, the subnet's tensor ${w.size}`);
  }
  const weights = new Map([...own].map(([key, w]) => {
    const values = replaced.get(key);
    return [key, values ? tf.tensor(values, w.shape, 'float32') : tf.clone(w)];
  }));
  return new StaticMobileNet(net.toConfig(), weights);
}

/**
 * Model bytes of a subnet with compressed layers, counted as
 * staticWeightBytes counts the uniform ones: the conv and linear weights,
 * compressed layers at their compressed bytes, every other one as float32
 * (BN and biases, float in every network, left out).
 */
export function compressedModelBytes(net: StaticMobileNet, layers: Readonly<Record<string, CompressedTensor>>): number {
  return staticWeightLayers(net).reduce((a, { name, layer }) => {
    const t = layers[name];
    return a + (t ? compressedBytes(t) : 4 * layer.weight.size);
  }, 0);
}

/** Average bits per weight of the compressed layers (side data included). */
export function compressedBitsPerWeight(layers: Readonly<Record<string, CompressedTensor>>): number {
  const all = Object.values(layers);
  const weights = all.reduce((a, t) => a + compressedSize(t), 0);
  return weights ? (8 * all.reduce((a, t) => a + compressedBytes(t), 0)) / weights : 0;
}

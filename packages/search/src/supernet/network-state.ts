import { tf } from '@oqat/engine';
import { CheckpointError } from '../errors';
import type { ElasticSupernet } from './networks/elastic-supernet';

export type HostTensors = Map<string, { shape: number[]; values: Float32Array }>;

/** Every parameter, step size and BN statistic of the supernet as host arrays, by name. */
export function readNetworkState(net: ElasticSupernet): HostTensors {
  const out: HostTensors = new Map();
  for (const { name, variable } of [...net.params(), ...net.buffers()]) {
    out.set(name, { shape: [...variable.shape], values: Float32Array.from(variable.dataSync()) });
  }
  return out;
}

const STEP_NAME = /^(.*)\.(wq|aq)\.step(\d+)$/;

/**
 * Loads a state written by readNetworkState into a supernet built from the
 * same space. Step sizes that the network has not created yet (quantizers
 * make them lazily) are created from the stored values; step sizes the
 * state lacks keep their values. A missing or misshaped weight or
 * statistic throws CheckpointError naming it.
 */
export function loadNetworkState(net: ElasticSupernet, state: HostTensors, source: string): void {
  for (const [name, t] of state) {
    const m = STEP_NAME.exec(name);
    if (!m) continue;
    const quant = net.layerQuants.get(m[1]!);
    if (!quant) throw new CheckpointError(source, `holds step size '${name}' for a layer this supernet lacks`, 'resume with the config that wrote it');
    quant.restoreStep(m[2] as 'wq' | 'aq', Number(m[3]), t.values);
  }
  for (const { name, variable } of [...net.params(), ...net.buffers()]) {
    const t = state.get(name);
    // A width's kept weights hold the step sizes of the widths trained up to it, not of those trained after.
    if (!t && STEP_NAME.test(name)) continue;
    if (!t) throw new CheckpointError(source, `lacks tensor '${name}'`, 'resume with the config that wrote it');
    if (t.shape.join(',') !== variable.shape.join(',')) {
      throw new CheckpointError(source, `tensor '${name}' has shape [${t.shape}], the supernet needs [${variable.shape}]`, 'resume with the config that wrote it');
    }
    tf.tidy(() => variable.assign(tf.tensor(t.values, t.shape)));
  }
}

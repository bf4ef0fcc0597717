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

/** The quantizer a stored step size belongs to, or undefined for any other tensor name. */
function stepOwner(net: ElasticSupernet, name: string, source: string): { restore(values: Float32Array): void } | undefined {
  const m = STEP_NAME.exec(name);
  if (!m) return undefined;
  const quant = net.layerQuants.get(m[1]!);
  if (!quant) throw new CheckpointError(source, `holds step size '${name}' for a layer this supernet lacks`, 'resume with the config that wrote it');
  return { restore: (values) => quant.restoreStep(m[2] as 'wq' | 'aq', Number(m[3]), values) };
}

/** Each of the network's tensors with the state's values for it, checked (step sizes the state lacks are left out). */
function matchState(net: ElasticSupernet, state: HostTensors, source: string): Array<{ variable: tf.Variable; values: { shape: number[]; values: Float32Array } }> {
  const matched = [];
  for (const { name, variable } of [...net.params(), ...net.buffers()]) {
    const t = state.get(name);
    // A width's kept weights hold the step sizes of the widths trained up to it, not of those trained after.
    if (!t && STEP_NAME.test(name)) continue;
    if (!t) throw new CheckpointError(source, `lacks tensor '${name}'`, 'resume with the config that wrote it');
    if (t.shape.join(',') !== variable.shape.join(',')) {
      throw new CheckpointError(source, `tensor '${name}' has shape [${t.shape}], the supernet needs [${variable.shape}]`, 'resume with the config that wrote it');
    }
    matched.push({ variable, values: t });
  }
  return matched;
}

/** Checks that loadNetworkState would accept a state, without changing the network (step sizes already created). */
export function checkNetworkState(net: ElasticSupernet, state: HostTensors, source: string): void {
  for (const name of state.keys()) stepOwner(net, name, source);
  matchState(net, state, source);
}

/**
 * Loads a state written by readNetworkState into a supernet built from the
 * same space. Step sizes that the network has not created yet (quantizers
 * make them lazily) are created from the stored values; step sizes the
 * state lacks keep their values. A missing or misshaped weight or
 * statistic throws CheckpointError naming it.
 */
export function loadNetworkState(net: ElasticSupernet, state: HostTensors, source: string): void {
  for (const [name, t] of state) stepOwner(net, name, source)?.restore(t.values);
  for (const { variable, values: t } of matchState(net, state, source)) tf.tidy(() => variable.assign(tf.tensor(t.values, t.shape)));
}

// Worker entry of a data-parallel reference-net replica: its own tfjs engine
// and single-thread wasm backend (one replica per core), the same seeded
// weights as every other replica. See replica-protocol.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { initEngine, tf } from '../index';
import type { FromReplica, ReplicaInit, ToReplica } from './replica-protocol';
import { sgdMomentumUpdate } from '../ops/sgd-momentum-update';
import { createReferenceNet } from './reference-net';
import { REFERENCE_CLASSES, REFERENCE_INPUT } from './reference-net-spec';

const port = parentPort!;
const init = workerData as ReplicaInit;
const send = (message: FromReplica, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

await initEngine({ backend: 'wasm', threads: 1 });
const net = createReferenceNet(init.seed);
const velocities = net.variables.map((v) => tf.tidy(() => tf.variable(tf.zerosLike(v), false)));
const sizes = net.variables.map((v) => v.size);
const total = sizes.reduce((a, b) => a + b, 0);

/** SGD momentum with the averaged gradients (flat, in net.variables order). */
function apply(flat: Float32Array): void {
  tf.tidy(() => {
    let at = 0;
    net.variables.forEach((variable, i) => {
      const grad = tf.tensor(flat.subarray(at, at + sizes[i]!), variable.shape);
      at += sizes[i]!;
      const next = sgdMomentumUpdate(variable, velocities[i]!, grad, init.learningRate, init.momentum);
      variable.assign(next.variable);
      velocities[i]!.assign(next.velocity);
    });
  });
}

function gradients(images: Float32Array, labels: Float32Array, batch: number): { loss: number; flat: Float32Array } {
  const { height, width, channels } = REFERENCE_INPUT;
  return tf.tidy(() => {
    const x = tf.tensor4d(images, [batch, height, width, channels]);
    const y = tf.tensor2d(labels, [batch, REFERENCE_CLASSES]);
    const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, net.trainLogits(x)) as tf.Scalar, net.variables);
    const flat = new Float32Array(total);
    let at = 0;
    for (const variable of net.variables) {
      flat.set(grads[variable.name]!.dataSync() as Float32Array, at);
      at += variable.size;
    }
    return { loss: value.dataSync()[0]!, flat };
  });
}

port.on('message', (message: ToReplica) => {
  try {
    if (message.kind === 'apply') {
      apply(message.gradients);
      send({ kind: 'applied' });
      return;
    }
    if (message.applyGradients) apply(message.applyGradients);
    const { loss, flat } = gradients(message.images, message.labels, message.batch);
    send({ kind: 'gradients', loss, gradients: flat }, [flat.buffer as ArrayBuffer]);
  } catch (err) {
    send({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
  }
});
send({ kind: 'ready', parameters: total });

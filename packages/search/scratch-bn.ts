import { initEngine, tf, batchNormTrain } from '@oqat/engine';
for (const backend of ['cpu', 'wasm'] as const) {
  await initEngine({ backend });
  const x = tf.randomNormal([8, 6, 6, 5], 1, 2, 'float32', 1) as tf.Tensor4D;
  const r = tf.randomNormal([8, 6, 6, 5], 0, 1, 'float32', 2);
  const g = tf.randomNormal([5], 1, 0.3, 'float32', 3) as tf.Tensor1D;
  const b = tf.randomNormal([5], 0, 0.3, 'float32', 4) as tf.Tensor1D;
  for (const relu of [false, true]) {
    const manual = (xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor) => {
      const mean = tf.mean(xi, [0, 1, 2]);
      const c = tf.sub(xi, mean);
      const v = tf.mean(tf.square(c), [0, 1, 2]);
      const y = tf.add(tf.mul(c, tf.mul(gi, tf.rsqrt(tf.add(v, 1e-5)))), bi);
      return tf.sum(tf.mul(relu ? tf.relu(y) : y, r));
    };
    const fused = (xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor) => tf.sum(tf.mul(batchNormTrain(xi as tf.Tensor4D, gi as tf.Tensor1D, bi as tf.Tensor1D, { epsilon: 1e-5, relu }).y, r));
    const ga = tf.grads(manual)([x, g, b]);
    const gb = tf.grads(fused)([x, g, b]);
    const diffs = ga.map((t, i) => tf.max(tf.abs(tf.sub(t, gb[i]!))).dataSync()[0]!.toExponential(2));
    console.log(backend, 'relu', relu, 'value', manual(x, g, b).dataSync()[0], fused(x, g, b).dataSync()[0], 'grad maxdiff x,g,b', diffs.join(' '));
  }
}
process.exit(0);

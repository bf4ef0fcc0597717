import { createRng, type ImageDataset } from '@oqat/data';
import { initEngine, tf } from '@oqat/engine';
import { loadOnnxRuntime } from '@oqat/latency';
import { encodeModel } from '@oqat/onnx';
import { it } from 'vitest';
import { EVAL } from '../supernet/forward-context';
import { INPUT_NORMALIZATION } from '../eval/evaluate-subnet';
import { reestimateBn } from '../supernet/reestimate-bn';
import { buildExportGraph } from './build-export-graph';
import { onnxModel } from './onnx-model';
import { TINY_SPECS, tinyExportFixture } from './tiny-export.fixture';

it('debug', async () => {
  await initEngine({ backend: 'wasm' });
  const ort = await loadOnnxRuntime();
  const f = tinyExportFixture();
  const spec = TINY_SPECS.mid3!;
  const rng = createRng(11);
  const images = Uint8Array.from({ length: 6000 }, () => rng.int(256));
  f.net.setActive(spec);
  reestimateBn(f.net, f.bn);
  const x = tf.tidy(() => tf.div(tf.sub(tf.div(tf.tensor4d(images, [60, 10, 10, 1], 'float32'), 255), INPUT_NORMALIZATION.mean), INPUT_NORMALIZATION.std));
  const full = tf.tidy(() => f.net.forward(x, EVAL).dataSync());
  const app = tf.tidy(() => tf.concat([f.net.forward(tf.slice(x, 0, 32), EVAL), f.net.forward(tf.slice(x, 32, 28), EVAL)]).dataSync());
  for (let i = 0; i < 60; i++) {
    const a = Array.from(app.slice(i * 3, i * 3 + 3)), b = Array.from(full.slice(i * 3, i * 3 + 3));
    const d = Math.max(...a.map((v, j) => Math.abs(v - b[j]!)));
    if (d > 1e-6) console.log('batch', i, a.map((v) => v.toFixed(5)), b.map((v) => v.toFixed(5)), d);
  }
  const sub = f.net.extractSubnet({ preserveWeights: true });
  const bytes = encodeModel(onnxModel(buildExportGraph(sub)));
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled' });
  const out = await session.run({ images: new ort.Tensor('float32', Float32Array.from(x.dataSync()), [60, 1, 10, 10]) });
  const o = out.logits!.data as Float32Array;
  for (let i = 0; i < 60; i++) {
    const a = Array.from(app.slice(i * 3, i * 3 + 3)), b = Array.from(o.slice(i * 3, i * 3 + 3));
    const d = Math.max(...a.map((v, j) => Math.abs(v - b[j]!)));
    if (d > 1e-6) console.log(i, a.map((v) => v.toFixed(5)), b.map((v) => v.toFixed(5)), d);
  }
});

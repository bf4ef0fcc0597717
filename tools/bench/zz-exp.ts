import { initEngine } from '@oqat/engine';
import { largestSubnet, smallestSubnet, loadSupernet, bnBatches } from '@oqat/search';
import { loadFashionMnist } from '@oqat/data';
import { exportSubnet } from '../../packages/search/src/export/index';
await initEngine({ backend: 'wasm' });
const data = await loadFashionMnist({ source: 'full' });
const bn = bnBatches(data.train, 200, 100, 7);
const { net } = loadSupernet('/tmp/oqat-export/ckpt/supernet-float.ckpt');
for (const bits of [4, 2]) for (const [w, fn] of [['smallest', smallestSubnet], ['largest', largestSubnet]] as const) {
  await exportSubnet({ net, spec: fn(net.space, bits), formats: ['onnx'], outDir: `/tmp/oqat-export/exp/${w}-${bits}`, bnImages: bn });
}
process.exit(0);

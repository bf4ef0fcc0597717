// scratch: within-session repeatability (deleted before hand-off)
import { initEngine, tf } from '@oqat/engine';
import { createRng, createTfjsRuntime, deriveSeed, profileNetworks, randomMobileNet, SMALL_MOBILENET_SPACE } from '@oqat/latency';
const info = await initEngine({ backend: 'wasm', threads: 1 });
const rt = createTfjsRuntime(tf, { threads: info.threads });
const nets = Array.from({ length: 30 }, (_, i) => randomMobileNet(createRng(deriveSeed(5, i)), SMALL_MOBILENET_SPACE));
const norm = (process.argv[2] ?? 'reference') as 'reference' | 'none';
const reps = Number(process.argv[3] ?? 9);
const s = await profileNetworks({ device: 'cpu', networks: [...nets, ...nets], runtime: rt, perLayer: false, timing: { repeats: reps, normalize: norm } });
const r = nets.map((_, i) => s[i + 30]!.latencyMs / s[i]!.latencyMs);
const sorted = [...r].sort((a, b) => a - b); const m = sorted[15]!;
console.log(norm, reps, 'median ratio', m.toFixed(3), 'within10 raw', r.filter((v) => Math.abs(v - 1) <= 0.1).length / 30, 'within10 scaled', r.filter((v) => Math.abs(v / m - 1) <= 0.1).length / 30);
console.log(r.map((v) => v.toFixed(2)).join(' '));
process.exit(0);

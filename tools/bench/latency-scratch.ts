// scratch (removed before hand-off): within-session repeatability of cpu-ort
import { createOrtRuntime, createRng, deriveSeed, profileNetworks, randomMobileNet, SMALL_MOBILENET_SPACE } from '@oqat/latency';
const rt = await createOrtRuntime();
const nets = Array.from({ length: 30 }, (_, i) => randomMobileNet(createRng(deriveSeed(12, i)), SMALL_MOBILENET_SPACE));
const minSampleMs = Number(process.argv[2] ?? 2);
const reps = Number(process.argv[3] ?? 15);
const s = await profileNetworks({ device: 'cpu-ort', networks: [...nets, ...nets], runtime: rt, perLayer: false, timing: { repeats: reps, minSampleMs } });
const r = nets.map((_, i) => s[i + 30]!.latencyMs / s[i]!.latencyMs);
console.log(minSampleMs, reps, 'within10', r.filter((v) => Math.abs(v - 1) <= 0.1).length / 30, r.map((v) => v.toFixed(2)).join(' '));
process.exit(0);

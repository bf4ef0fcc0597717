// Profiles random subnets of the OFA MobileNetV3 space (lowered as search lowers them) on a latency device and writes
// LatencySample JSONL rows (one per network, per-layer latencies included).
//
//   node --import tsx tools/bench/latency-profile.ts --device cpu --samples 600 --seed 1 --out /tmp/cpu-train.jsonl
//   devices: cpu (tfjs, the engine's backend; --backend wasm|cpu), cpu-ort (onnxruntime-node), xavier, fpga
//   --space small (32-40 px, default for cpu/cpu-ort) | ofa (128-224 px, default for simulators)
//   --width-mult M (scales every stage width: another architecture family) --resolutions 136,152,...
//   --repeats R --warmup W --clock cpu|wall --min-sample-ms MS --normalize reference|none --no-per-layer
//   --repeat-set K: measure the first K networks again at the end of the session (rows N+1..N+K:
//                   the noise floor, compare with latency-stats.ts --repeat)
import { closeSync, openSync, writeSync } from 'node:fs';
import {
  OFA_MBV3_SPACE,
  createOrtRuntime,
  createTfjsRuntime,
  formatSample,
  isDeviceName,
  lowerSubnet,
  profileNetworks,
  sampleSubnet,
  type LayerRuntime,
  type SearchSpace,
} from '@oqat/latency';
import { createRng, derive } from '@oqat/core';

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const device = arg('device', 'xavier')!;
  if (!isDeviceName(device)) throw new Error(`--device must be cpu, cpu-ort, xavier or fpga, got ${device}`);
  const measured = device === 'cpu' || device === 'cpu-ort';
  const n = Number(arg('samples', '100'));
  const seed = Number(arg('seed', '1'));
  const out = arg('out', `/tmp/latency-${device}-${seed}.jsonl`)!;
  const spaceName = arg('space', measured ? 'small' : 'ofa');
  const base: SearchSpace = spaceName === 'ofa' ? OFA_MBV3_SPACE : { ...OFA_MBV3_SPACE, name: 'ofa-mbv3-small', resolutions: [32, 36, 40], numClasses: 10 };
  const mult = Number(arg('width-mult', '1'));
  const space: SearchSpace = {
    ...base,
    stages: base.stages.map((s) => ({ ...s, outC: Math.round((s.outC * mult) / 8) * 8 })),
    resolutions: arg('resolutions') ? arg('resolutions')!.split(',').map(Number) : base.resolutions,
  };
  const drawn = Array.from({ length: n }, (_, i) => lowerSubnet(space, sampleSubnet(space, createRng(derive(seed, i)))));
  const networks = [...drawn, ...drawn.slice(0, Number(arg('repeat-set', '0')))];
  let runtime: LayerRuntime | undefined;
  if (device === 'cpu-ort') runtime = await createOrtRuntime({ threads: Number(arg('threads', '1')) });
  if (device === 'cpu') {
    const { initEngine, tf } = await import('@oqat/engine');
    // one thread: the CPU-time clock (robust on a shared machine) then equals latency
    const info = await initEngine({ backend: (arg('backend', 'wasm') as 'wasm' | 'cpu') ?? 'wasm', threads: Number(arg('threads', '1')) });
    runtime = createTfjsRuntime(tf, { threads: info.threads });
    process.stderr.write(`engine: ${info.backend} (${info.threads} thread(s)) - ${info.reason}\n`);
  }
  const fd = openSync(out, 'w'); // fails now, not after the measurements, when the folder is missing
  const t0 = performance.now();
  await profileNetworks({
    device,
    networks,
    runtime,
    seed,
    perLayer: !process.argv.includes('--no-per-layer'),
    timing: {
      ...(arg('repeats') ? { repeats: Number(arg('repeats')) } : {}),
      ...(arg('warmup') ? { warmup: Number(arg('warmup')) } : {}),
      ...(arg('clock') ? { clock: arg('clock') as 'cpu' | 'wall' } : {}),
      ...(arg('min-sample-ms') ? { minSampleMs: Number(arg('min-sample-ms')) } : {}),
      ...(arg('normalize') ? { normalize: arg('normalize') as 'reference' | 'none' } : {}),
    },
    onSample: (s) => writeSync(fd, `${formatSample(s)}\n`),
    onProgress: (p) => {
      if (p.done % Math.max(1, Math.floor(p.total / 20)) === 0 || p.done === p.total) {
        process.stderr.write(`${p.device} [${p.runtime}] ${p.done}/${p.total} last ${p.latencyMs.toFixed(3)} ms, ${p.layersTimed} layers timed, ${(p.elapsedMs / 1e3).toFixed(1)} s\n`);
      }
    },
  });
  closeSync(fd);
  process.stderr.write(`wrote ${networks.length} samples to ${out} in ${((performance.now() - t0) / 1e3).toFixed(1)} s\n`);
  process.exit(0); // the wasm/ort thread pools keep Node alive
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

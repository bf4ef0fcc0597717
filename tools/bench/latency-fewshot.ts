// Few-shot latency predictors, leave-one-device-out: for each device, its predictor is fitted from K of its
// networks (many random draws) with a prior built from the OTHER devices only, and scored (Spearman, MAPE) on
// its held-out networks. Compares today's fit (fitPredictor, learned / lookup table / MACs) with fitFewShot.
//
//   node --import tsx tools/bench/latency-fewshot.ts --dir /tmp/h19-pred/lat --shots 5,10,20 --draws 200
//   --dir: measured JSONL files NAME.jsonl (one device each, all the same networks in the same order, as
//          latency-profile.ts writes them with one --seed); the simulators xavier and fpga are evaluated on
//          those networks too. Networks are split in halves: the first half fits the measured prior sources'
//          predictors, the second is the held-out device's pool (its K samples and its test networks).
//   --devices cpu,cpu-ort,xavier,fpga (targets; default: every file + the simulators)
//   --sims-only: prior sources are the simulators alone (what a fresh install has before any cpu search)
//   --methods learned,macs,mixture,lambda0.1,sources,fewshot,blend (default: all)
//   --samples random,chosen: the K samples drawn at random from the pool (default), and/or chosen by
//          chooseFewShotNetworks (the coordinator's design) from a random half of the pool, using the networks
//          and the prior sources only (never the held-out device's latencies)
//   --repeat DIR: the same files measured again in another session: prints the noise floor (Spearman of the two
//          sessions on the pool, and the Spearman a perfect predictor could reach against one session, √ρ)
//   --average (with --repeat): a measured device's latency is the geometric mean of its two sessions
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRng, derive } from '@oqat/core';
import {
  chooseFewShotNetworks,
  fitFewShot,
  fitPredictor,
  latencyMetrics,
  loadSamples,
  priorSource,
  simulateNetwork,
  type CostModel,
  type LatencySample,
  type LayerDesc,
  type PriorSource,
} from '@oqat/latency';

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

interface Device {
  name: string;
  simulated: boolean;
  /** latency of every network, ms */
  latency: number[];
}

type Method = { id: string; name: string; fit: (train: LatencySample[], sources: PriorSource[]) => CostModel };

/** Geometric mean of two predictors' estimates (a blend of today's fit and the few-shot fit). */
function blend(a: CostModel, b: CostModel): CostModel {
  return { ...a, kind: a.kind, device: a.device, estimateMs: (l) => Math.sqrt(a.estimateMs(l) * b.estimateMs(l)), layerMs: (l) => a.layerMs(l), toJSON: () => a.toJSON() };
}
const learned = (t: LatencySample[]) => fitPredictor({ train: t, test: t.slice(0, 1), model: 'learned' }).predictor;

const METHODS: Method[] = [
  { id: 'learned', name: 'today: learned (default fit; the lookup table is the same from network totals)', fit: (t) => learned(t) },
  { id: 'macs', name: 'MACs-proportional', fit: (t) => fitPredictor({ train: t, test: t.slice(0, 1), model: 'flops' }).predictor },
  { id: 'mixture', name: 'mixture of the known devices alone (λ = ∞)', fit: (t, s) => fitFewShot(t, s, { lambda: Infinity }) },
  { id: 'lambda0.1', name: 'few-shot, λ = 0.1', fit: (t, s) => fitFewShot(t, s, { lambda: 0.1 }) },
  { id: 'sources', name: 'few-shot, λ by CV, source features only', fit: (t, s) => fitFewShot(t, s, { work: false }) },
  { id: 'fewshot', name: '**few-shot (default: λ by CV)**', fit: (t, s) => fitFewShot(t, s) },
  { id: 'blend', name: 'geometric mean of today\'s learned and few-shot', fit: (t, s) => blend(learned(t), fitFewShot(t, s)) },
];

function stats(xs: number[]): { mean: number; sd: number; p10: number; min: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length - 1));
  const sorted = [...xs].sort((a, b) => a - b);
  return { mean, sd, p10: sorted[Math.floor(0.1 * (sorted.length - 1))]!, min: sorted[0]! };
}

async function main(): Promise<void> {
  const dir = arg('dir', '/tmp/h19-pred/lat')!;
  const shots = arg('shots', '10')!.split(',').map(Number);
  const draws = Number(arg('draws', '200'));
  const seed = Number(arg('seed', '1'));
  const simsOnly = process.argv.includes('--sims-only');
  const methodIds = arg('methods')?.split(',');
  const methods = methodIds ? METHODS.filter((m) => methodIds.includes(m.id)) : METHODS;
  if (methodIds && methods.length !== methodIds.length) throw new Error(`--methods: choose from ${METHODS.map((m) => m.id).join(', ')}`);
  const modes = (arg('samples', 'random')!.split(',') as Array<'random' | 'chosen'>);
  const repeatDir = arg('repeat');
  const average = process.argv.includes('--average');
  const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();
  const load = async (d: string, f: string) => ({ name: f.replace(/\.jsonl$/, ''), samples: await loadSamples(join(d, f)) });
  const measured = await Promise.all(files.map((f) => load(dir, f)));
  const repeated = repeatDir ? await Promise.all(files.map((f) => load(repeatDir, f))) : [];
  const networks: LayerDesc[][] = measured[0]!.samples.map((s) => s.layers);
  for (const m of [...measured, ...repeated]) {
    const same = m.samples.length === networks.length && m.samples.every((s, i) => JSON.stringify(s.layers) === JSON.stringify(networks[i]));
    if (!same) throw new Error(`${m.name}: not the same networks as ${measured[0]!.name} (profile every device with one --seed and --samples)`);
  }
  if (average && !repeatDir) throw new Error('--average needs --repeat DIR (a second session of the same files)');
  const half = Math.floor(networks.length / 2);
  const pool = networks.map((_, i) => i).slice(half);
  // The noise floor: the same networks measured in two sessions, ranked against each other on the pool.
  const noise: string[] = [];
  measured.forEach((m, k) => {
    if (!repeated[k]) return;
    const rho = latencyMetrics(pool.map((i) => m.samples[i]!.latencyMs), pool.map((i) => repeated[k]!.samples[i]!.latencyMs)).spearman;
    noise.push(`| ${m.name} | ${rho.toFixed(3)} | ${Math.sqrt(rho).toFixed(3)} | ${Math.sqrt((2 * rho) / (1 + rho)).toFixed(3)} |`);
  });
  const latencyOf = (k: number, i: number) => (average ? Math.sqrt(measured[k]!.samples[i]!.latencyMs * repeated[k]!.samples[i]!.latencyMs) : measured[k]!.samples[i]!.latencyMs);
  const devices: Device[] = [
    ...measured.map((m, k) => ({ name: m.name, simulated: false, latency: m.samples.map((_, i) => latencyOf(k, i)) })),
    ...(['xavier', 'fpga'] as const).map((d) => ({ name: d, simulated: true, latency: networks.map((l) => simulateNetwork(d, l).latencyMs) })),
  ];
  // Prior sources per device: simulators by name; measured devices by a predictor fitted on the first half.
  const sourceOf = new Map<string, PriorSource>();
  for (const d of devices) {
    if (d.simulated) sourceOf.set(d.name, priorSource({ name: d.name, simulator: d.name as 'xavier' | 'fpga' }));
    else {
      const train = networks.slice(0, half).map((layers, i) => ({ layers, latencyMs: d.latency[i]!, device: d.name }));
      const { predictor } = fitPredictor({ train, test: train.slice(0, 1), model: 'learned' });
      sourceOf.set(d.name, priorSource({ name: d.name, predictor: predictor.toJSON() as never }));
    }
  }
  const targets = arg('devices') ? arg('devices')!.split(',') : devices.map((d) => d.name);
  const rows: string[] = [];
  const summary: Record<string, Record<string, number[]>> = {};
  for (const target of targets) {
    const d = devices.find((x) => x.name === target)!;
    const sources = devices.filter((x) => x.name !== target && (!simsOnly || x.simulated)).map((x) => sourceOf.get(x.name)!);
    // the held-out device is unknown: its samples carry a name no code knows (no effectiveBits of its own)
    const label = `heldout-${target}`;
    const sample = (i: number): LatencySample => ({ layers: networks[i]!, latencyMs: d.latency[i]!, device: label });
    const zero = fitFewShot([], sources, { reference: networks.slice(0, half) });
    const priorRho = latencyMetrics(pool.map((i) => zero.estimateMs(networks[i]!)), pool.map((i) => d.latency[i]!)).spearman;
    rows.push(`| ${target} | ${sources.map((s) => s.json.name).join(', ')} | 0 | prior alone (ranking) | ${priorRho.toFixed(3)} | – | – | – | – |`);
    // the ceiling of this data: today's fit on the target's own first half (${half} networks), scored on the same pool
    const own = learned(networks.slice(0, half).map((layers, i) => ({ layers, latencyMs: d.latency[i]!, device: label })));
    const ceiling = latencyMetrics(pool.map((i) => own.estimateMs(networks[i]!)), pool.map((i) => d.latency[i]!));
    rows.push(`| ${target} | – | ${half} | today: learned on ${half} of its own networks (this data's ceiling) | ${ceiling.spearman.toFixed(3)} | – | – | – | ${(ceiling.mape * 100).toFixed(1)} % |`);
    process.stderr.write(`${rows[rows.length - 2]}\n${rows[rows.length - 1]}\n`);
    for (const k of shots) {
      for (const mode of modes) {
        for (const m of methods) {
          const rho: number[] = [];
          const mape: number[] = [];
          for (let r = 0; r < draws; r++) {
            const rng = createRng(derive(seed, target, k, r));
            const order = [...pool];
            for (let i = order.length - 1; i > 0; i--) {
              const j = rng.int(i + 1);
              [order[i], order[j]] = [order[j]!, order[i]!];
            }
            // random: the first K of the shuffled pool; chosen: K of a random half of the pool picked by the
            // few-shot design from the networks alone (the held-out device's latencies play no part)
            const candidates = order.slice(0, Math.max(k, Math.floor(pool.length / 2)));
            const picked = mode === 'chosen' ? chooseFewShotNetworks(candidates.map((i) => networks[i]!), k, sources).map((c) => candidates[c]!) : order.slice(0, k);
            const train = picked.map(sample);
            const test = pool.filter((i) => !picked.includes(i));
            let model: CostModel;
            try {
              model = m.fit(train, sources);
            } catch (err) {
              process.stderr.write(`${target} ${k} ${m.name}: ${(err as Error).message}\n`);
              break;
            }
            const metrics = latencyMetrics(test.map((i) => model.estimateMs(networks[i]!)), test.map((i) => d.latency[i]!));
            rho.push(metrics.spearman);
            mape.push(metrics.mape);
          }
          if (!rho.length) continue;
          const s = stats(rho);
          const name = mode === 'chosen' ? `${m.name}, chosen samples` : m.name;
          ((summary[name] ??= {})[k] ??= []).push(s.mean);
          rows.push(`| ${target} | ${sources.map((x) => x.json.name).join(', ')} | ${k} | ${name} | ${s.mean.toFixed(3)} | ${s.sd.toFixed(3)} | ${s.p10.toFixed(3)} | ${s.min.toFixed(3)} | ${(stats(mape).mean * 100).toFixed(1)} % |`);
          process.stderr.write(`${rows[rows.length - 1]}\n`);
        }
      }
    }
  }
  const out = [
    `networks: ${networks.length} (sources fitted on ${half}, pool ${pool.length}); draws per cell: ${draws}; seed ${seed}${simsOnly ? '; prior: simulators only' : ''}${average ? '; measured latency = geometric mean of two sessions' : ''}`,
    '',
    ...(noise.length
      ? [
          '| device | Spearman session A vs B (pool) | bound vs one session (√ρ) | bound vs the mean of two (√(2ρ/(1+ρ))) |',
          '|---|---:|---:|---:|',
          ...noise,
          '',
        ]
      : []),
    '| held-out device | prior sources | K | predictor | mean Spearman | sd | p10 | min | mean MAPE |',
    '|---|---|---:|---|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    '| predictor | ' + shots.map((k) => `mean over devices, K = ${k}`).join(' | ') + ' |',
    '|---|' + shots.map(() => '---:').join('|') + '|',
    ...Object.entries(summary).map(([name, byK]) => `| ${name} | ${shots.map((k) => (byK[k] ? (byK[k]!.reduce((a, b) => a + b, 0) / byK[k]!.length).toFixed(3) : '–')).join(' | ')} |`),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});

import type { DeviceName, Studio, TuneCost, TuneJobResult, TuneMethod, TuneModel } from '@oqat/jobs';
import type { ParsedOptions } from '../command';
import { UsageError } from '../errors';
import { formatPercent, formatTable } from '../format-table';
import { printJson, type CliIo } from '../io';
import { intOption } from '../options';
import { runToEnd } from '../run-to-end';
import { subnetOf } from './eval';

/** `--min-accuracy`: a share (0.85) or a percentage (85%). */
function minAccuracyOf(value: unknown): number {
  if (typeof value !== 'string') throw new UsageError('--min-accuracy A is required: the least validation top-1, as 0.85 or 85%');
  const percent = value.trim().endsWith('%');
  const n = Number(percent ? value.trim().slice(0, -1) : value) / (percent ? 100 : 1);
  if (!(n > 0 && n <= 1)) throw new UsageError(`--min-accuracy must be a share in (0, 1] or a percentage, got '${value}'`);
  return n;
}

const UNITS: Record<TuneCost, (x: number) => string> = {
  latency: (ms) => `${ms.toFixed(4)} ms`,
  bytes: (b) => `${(b / 1024).toFixed(1)} KiB`,
  bitops: (x) => `${(x / 1e6).toFixed(3)} M BitOPs`,
};

export function formatTuneResult(r: TuneJobResult): string {
  const unit = UNITS[r.cost];
  const what = r.cost === 'latency' ? `${r.device} latency` : r.cost === 'bytes' ? 'model bytes' : 'BitOPs';
  const delta = (x: number) => (r.cost === 'latency' ? `${x >= 0 ? '+' : ''}${x.toFixed(4)}` : `${x >= 0 ? '+' : ''}${Math.round(x)}`);
  const table = formatTable(['LAYER', 'BITS', `COST Δ (${r.cost === 'latency' ? 'ms' : r.cost})`, 'TOP-1 LOST ALONE'], r.layers.map((l) => [l.name, l.bits, delta(l.costDelta), l.drop === undefined ? '-' : formatPercent(l.drop)]));
  const budgets = r.rounds.map((x) => `${r.model === 'raised' ? `${x.from}:` : ''}${x.budget}${x.met ? '' : ' (missed)'}`).join(' → ');
  const saving = (1 - r.costValue / r.bestUniform.costValue) * 100;
  return [
    table.trimEnd(),
    `cost: ${unit(r.costValue)} ${what} (every layer at ${r.widest.bits} bit: ${unit(r.widest.costValue)}; best uniform width meeting the requirement: ${r.bestUniform.bits} bit, ${unit(r.bestUniform.costValue)}, ${saving.toFixed(1)} % saved)`,
    `top-1: validation ${formatPercent(r.validationAccuracy)} (required ${formatPercent(r.minAccuracy)}), test ${formatPercent(r.testAccuracy)} (best uniform: validation ${formatPercent(r.bestUniform.validationAccuracy)}, test ${formatPercent(r.bestUniform.testAccuracy)})`,
    `solver: ${r.method} over the ${r.model} model, ${r.rounds.length} round(s), budget in validation images ${budgets}${r.fellBack ? '; no mix met the requirement for less: the answer is the best uniform width' : ''}; ${r.solverMs.toFixed(2)} ms solving, ${r.evaluations} validation evaluations`,
    `subnet: ${JSON.stringify(r.spec)}`,
  ].join('\n') + '\n';
}

/** `oqat tune`: the least-cost per-layer bits of a subnet that keep a validation top-1, as a tune run. */
export async function tune(o: ParsedOptions, io: CliIo): Promise<number> {
  if (typeof o.run !== 'string') throw new UsageError('--run RUN is required: a search run (with --candidate N) or a training run (with --subnet)');
  const minAccuracy = minAccuracyOf(o['min-accuracy']);
  const candidateId = o.candidate === undefined ? undefined : intOption(o.candidate, 'candidate', 0, 0);
  const json = !!o.json;
  const source = o.run;
  const start = (studio: Studio) => studio.startTune({
    runId: source,
    candidateId,
    subnet: candidateId === undefined ? subnetOf(o.subnet, io) : undefined,
    minAccuracy,
    device: (o.device ?? 'fpga') as DeviceName,
    cost: (o.cost ?? 'latency') as TuneCost,
    method: (o.method ?? 'exact') as TuneMethod,
    model: (o.model ?? 'lowered') as TuneModel,
    maxRounds: intOption(o['max-rounds'], 'max-rounds', 8, 1, 50),
    testImages: intOption(o['test-images'], 'test-images', 0, 0),
  });
  return runToEnd<TuneJobResult>(io, o.db, json, start, async (studio, runId, result) => {
    const [candidate] = await studio.candidates(runId);
    if (json) printJson(io, { kind: 'summary', runId, candidateId: candidate?.id, result });
    else io.stdout.write(`${formatTuneResult(result)}export it: oqat export --run ${runId} --candidate ${candidate?.id} --out DIR\n`);
  });
}

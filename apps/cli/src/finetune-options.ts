// `oqat finetune`'s setting flags: one per FINETUNE_FIELDS entry (@oqat/jobs' finetune-fields.ts owns
// their defaults, bounds and sources; the app's Finetune panel is built from the same list). Data only,
// so help shows them without loading TensorFlow.js.
import { FINETUNE_FIELDS } from '@oqat/jobs/run-defaults';
import type { FinetuneRequest } from '@oqat/jobs';
import type { OptionSpec, ParsedOptions } from './command';
import { UsageError } from './errors';

/** The finetune command's setting flags, for cli.ts. */
export const FINETUNE_SETTING_OPTIONS: Record<string, OptionSpec> = Object.fromEntries(FINETUNE_FIELDS.map((f) => [f.flag, {
  type: 'string', description: f.help, default: String(f.default),
}]));

type Numbers = Omit<FinetuneRequest, 'runId' | 'checkpoint' | 'subnet' | 'candidateId' | 'bits' | 'method' | 'seed' | 'backend'>;

/** The settings the flags given ask for (absent flags stay absent: the run's and the fields' defaults apply; bounds are the request's check). */
export function finetuneNumbers(o: ParsedOptions): Numbers {
  const out: Record<string, number> = {};
  for (const f of FINETUNE_FIELDS) {
    const v = o[f.flag];
    if (v === undefined) continue;
    const n = Number(v);
    if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${f.flag} must be a number, got '${String(v)}'`);
    out[f.key] = n;
  }
  return out as Numbers;
}

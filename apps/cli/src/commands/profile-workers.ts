import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { cachedMeasuredPredictors, profileOnWorkers, registerDeviceFromSamples } from '@oqat/jobs';
import { defaultPriorSources, formatSample } from '@oqat/latency';
import type { ParsedOptions } from '../command';
import { UsageError } from '../errors';
import { printJson, type CliIo } from '../io';
import { openStudio } from '../open-studio';
import { intOption } from '../options';
import { ProgressBar } from '../progress-bar';
import { spaceOf } from './latency';

/**
 * `oqat latency profile-workers`: subnets of a space timed on a device by
 * its queue workers, then the device's few-shot predictor fitted and
 * registered in the studio's work folder (registerDeviceFromSamples). The
 * subnets are the few-shot design's choice (chooseFewShotNetworks: spread
 * over sizes, precisions and the known devices' latencies) among
 * fewShotDesignCandidates(--samples) random ones.
 */
export async function profileWorkers(o: ParsedOptions, io: CliIo): Promise<number> {
  if (typeof o.device !== 'string') throw new UsageError('--device NAME is required (the name its workers serve: oqat worker --device NAME)');
  if (typeof o.queue !== 'string') throw new UsageError('--queue redis://HOST:PORT is required');
  const space = spaceOf(io, o.space);
  const samples = intOption(o.samples, 'samples', 10, 3, 10_000);
  const seed = intOption(o.seed, 'seed', 1, 0);
  const runtime = o.runtime === 'onnxruntime' ? 'onnxruntime' : 'tfjs';
  // the studio first: its cached cpu/cpu-ort predictors join the simulators in choosing the networks to profile
  const studio = await openStudio(io, o.db);
  try {
    const bar = o.json ? undefined : new ProgressBar(io, `profile ${o.device}`);
    const measured = await profileOnWorkers({
      url: o.queue, device: o.device, space, samples, fixedBits: 8, seed, runtime,
      design: defaultPriorSources(cachedMeasuredPredictors(studio.workDir, space.name)),
      onSample: (done, total, s, worker) => bar?.update({ current: done, total, status: `${s.latencyMs.toFixed(3)} ms (${worker})` }),
      onStalled: () => io.stderr.write('a worker stopped answering; its network went back to the queue\n'),
    });
    bar?.done();
    if (typeof o.out === 'string') {
      const out = createWriteStream(resolve(io.cwd, o.out));
      for (const s of measured) out.write(`${formatSample(s)}\n`);
      await new Promise<void>((r) => out.end(r));
    }
    const { device, file } = registerDeviceFromSamples({ workDir: studio.workDir, name: o.device, samples: measured, space: space.name, runtime, append: !!o.append });
    if (o.json) printJson(io, { device: o.device, samples: measured.length, file, registered: device });
    else io.stdout.write(`${o.device}: ${measured.length} networks measured by its workers; predictor registered in ${file} (oqat search --device ${o.device})\n`);
  } finally {
    await studio.close();
  }
  return 0;
}

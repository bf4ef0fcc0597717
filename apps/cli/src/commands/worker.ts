import { runQueueWorker } from '@oqat/jobs';
import type { BackendRequest } from '@oqat/engine';
import { ExitCode } from '@oqat/core';
import type { ParsedOptions } from '../command';
import { UsageError } from '../errors';
import { printJson, type CliIo } from '../io';
import { intOption } from '../options';

/**
 * `oqat worker`: serves a queue's candidate evaluations until Ctrl-C (or
 * SIGTERM), then finishes the task in hand and stops. One line per task.
 */
export async function worker(o: ParsedOptions, io: CliIo, stop: Promise<unknown> = untilSignal()): Promise<number> {
  if (typeof o.queue !== 'string') throw new UsageError("oqat worker needs --queue redis://HOST:PORT (the coordinator's Redis)");
  const device = typeof o.device === 'string' ? o.device : undefined;
  if (device !== undefined && !/^[a-z0-9][a-z0-9._-]*$/i.test(device)) throw new UsageError(`--device must be a device name (letters, digits, . _ -), got '${device}'`);
  const lockSeconds = intOption(o['lock-seconds'], 'lock-seconds', 60, 2, 3600);
  const json = !!o.json;
  const say = (line: string, value: Record<string, unknown>) => (json ? printJson(io, value) : io.stderr.write(`${line}\n`));
  const handle = await runQueueWorker({
    url: o.queue,
    backend: (o.backend as BackendRequest | undefined) ?? 'auto',
    threads: o.threads === undefined ? undefined : intOption(o.threads, 'threads', 1, 1, 256),
    device,
    accuracy: o.accuracy === true ? true : undefined,
    name: typeof o.name === 'string' ? o.name : undefined,
    lockMs: lockSeconds * 1000,
    stalledMs: Math.max(1000, Math.round((lockSeconds * 1000) / 4)),
    onTask: (e) => {
      if (e.state === 'started') return;
      const what = `${e.queue} task ${e.id}`;
      say(e.state === 'done' ? `${what} done in ${e.ms} ms` : `${what} failed: ${e.error}`, { kind: 'task', ...e });
    },
    onNote: (message) => say(message, { kind: 'note', message }),
  });
  const serves = [device ? `${device} profiling` : '', o.accuracy === true || !device ? 'accuracy' : ''].filter(Boolean).join(' and ');
  say(`worker ${handle.name} serving ${serves} tasks from ${o.queue} (Ctrl-C stops it after the task in hand)`, { kind: 'ready', worker: handle.name, queue: o.queue, device });
  await stop;
  say(`worker ${handle.name} stopping`, { kind: 'stopping', worker: handle.name });
  await handle.close();
  return ExitCode.ok;
}

function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

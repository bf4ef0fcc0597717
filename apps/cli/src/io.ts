import { ExitCode } from '@oqat/core';

/** Streams and context a command may touch, passed in so tests can capture them. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  cwd: string;
  env: NodeJS.ProcessEnv;
  now: () => number;
}

export function processIo(): CliIo {
  stopOnClosedOutput(process.stdout, process.stderr, (code) => process.exit(code));
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env, now: Date.now };
}

type ErrorStream = Pick<NodeJS.WriteStream, 'on' | 'write'>;

/**
 * When the reader of stdout goes away (`oqat runs list | head -1`), the next
 * write fails with EPIPE, reported on the stream's 'error' event: say so in
 * one line on stderr and end with ExitCode.outputClosed (nothing is left to
 * print to). A closed stderr is ignored. Other stream errors stay errors.
 */
export function stopOnClosedOutput(stdout: ErrorStream, stderr: ErrorStream, exit: (code: number) => void): void {
  let stopped = false;
  stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    if (stopped) return;
    stopped = true;
    try {
      stderr.write('oqat: the program reading the output closed it (EPIPE); stopped\n');
    } catch {
      // stderr is gone too
    }
    exit(ExitCode.outputClosed);
  });
  stderr.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

/** Prints one JSON value per line (NDJSON), the `--json` output of every command. */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value)}\n`);
}

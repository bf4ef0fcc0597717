// Test fixture (not product code): `oqat` run two ways, with the same outcome shape.
// - oqatProcess: the real executable (bin/oqat.mjs) in its own process, for what only a process shows: the exit
//   code process.exit gives, a closed pipe (EPIPE), tsx loading the sources. Each start costs ~2.5 s in CI
//   (node, tsx and the command's module graph), so the suites keep a few.
// - oqat: the same command line through main(argv, io) in this process, its output captured. main is the
//   executable minus process.exit (bin/oqat.mjs: runCli = main + exit), so exit codes, stdout and stderr are
//   the executable's; whatever else writes to this process's stdout, stderr or console while the command runs
//   (a library's banner, a stray log) is captured as the command's output too, so "nothing else on stderr" still
//   holds. Runs and their worker processes start as they do from the executable.
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/main';

export interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

const bin = resolve(dirname(fileURLToPath(import.meta.url)), '../bin/oqat.mjs');

/**
 * Runs the real `oqat` executable, as a user would; `closeStdout` closes the read end of its stdout at once,
 * as `| head -0` does. Asynchronously: a blocking spawnSync would stall vitest's worker RPC on a slow machine.
 * The timeout only guards against a hang.
 */
export function oqatProcess(args: string[], options: { env?: NodeJS.ProcessEnv; closeStdout?: boolean; timeoutMs?: number } = {}): Promise<Outcome> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    if (options.closeStdout) child.stdout.destroy();
    else child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 540_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

type Writer = (chunk: unknown, ...rest: unknown[]) => boolean;
/** where Node's console sends each method: log, info and debug to stdout, the rest to stderr */
const CONSOLE_METHODS = { log: 'out', info: 'out', debug: 'out', warn: 'err', error: 'err', trace: 'err' } as const;

/** Runs `oqat args` in this process (see the top of this file); `env` is added to this process's environment. */
export async function oqat(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const toOut = (chunk: unknown) => ((stdout += String(chunk)), true);
  const toErr = (chunk: unknown) => ((stderr += String(chunk)), true);
  const { write: outWrite } = process.stdout;
  const { write: errWrite } = process.stderr;
  const methods = Object.keys(CONSOLE_METHODS) as Array<keyof typeof CONSOLE_METHODS>;
  const consoleMethods = methods.map((m) => [m, console[m]] as const);
  process.stdout.write = toOut as Writer as typeof process.stdout.write;
  process.stderr.write = toErr as Writer as typeof process.stderr.write;
  for (const m of methods) console[m] = (...a: unknown[]) => void (CONSOLE_METHODS[m] === 'out' ? toOut : toErr)(`${a.map(String).join(' ')}\n`);
  try {
    const code = await main(args, {
      stdout: { write: toOut },
      stderr: { write: toErr },
      cwd: process.cwd(),
      env: { ...process.env, ...env },
      now: Date.now,
    });
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = outWrite;
    process.stderr.write = errWrite;
    for (const [m, f] of consoleMethods) console[m] = f;
  }
}

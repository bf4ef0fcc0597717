import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tsxExecArgv } from '../src/runner/runner-options.ts';

export const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** Starts a fixture script in its own Node process (through tsx). */
export function spawnFixture(name: string, args: readonly string[]): ChildProcess {
  return spawn(process.execPath, [...tsxExecArgv(), fixture(name), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Resolves with stdout once the process exits with code 0; rejects with stderr otherwise. */
export function collect(child: ChildProcess): Promise<string> {
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('exit', (code, signal) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code ?? signal}: ${err}`))));
  });
}

/** Resolves with the first stdout line. */
export function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code} before printing a line`)));
  });
}

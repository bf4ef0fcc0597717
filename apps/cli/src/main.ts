import { parseArgs } from 'node:util';
import { COMMANDS } from './cli';
import type { CommandSpec, ParsedOptions } from './command';
import { ExitCode } from '@oqat/core';
import { UsageError } from './errors';
import { formatCommandHelp, formatOverview } from './help';
import { processIo, type CliIo } from './io';
import { reportError } from './report-error';

/** Finds the longest command path that prefixes argv. */
function matchCommand(argv: string[]): { command?: CommandSpec; rest: string[] } {
  let best: CommandSpec | undefined;
  for (const command of COMMANDS) {
    const n = command.path.length;
    if (command.path.every((word, i) => argv[i] === word) && (!best || n > best.path.length)) best = command;
  }
  return { command: best, rest: best ? argv.slice(best.path.length) : argv };
}

function parseCommandArgs(command: CommandSpec, rest: string[]): { options: ParsedOptions; positionals: string[] } {
  const spec: NonNullable<Parameters<typeof parseArgs>[0]>['options'] = { help: { type: 'boolean', short: 'h' } };
  for (const [name, option] of Object.entries(command.options)) {
    spec[name] = { type: option.type, ...(option.short ? { short: option.short } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: spec, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message.split('\n')[0]} (see 'oqat ${command.path.join(' ')} --help')`);
  }
  const options = parsed.values as ParsedOptions;
  for (const [name, option] of Object.entries(command.options)) {
    const value = options[name];
    if (option.choices && typeof value === 'string' && !option.choices.includes(value)) {
      throw new UsageError(`--${name} must be one of ${option.choices.join(', ')}, got '${value}'`);
    }
  }
  return { options, positionals: parsed.positionals };
}

/** Runs one command line and returns its exit code; never throws. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      io.stdout.write(formatOverview(COMMANDS));
      return ExitCode.ok;
    }
    const { command, rest } = matchCommand(argv);
    if (!command) {
      const group = COMMANDS.filter((c) => c.path[0] === argv[0]);
      if (group.length) {
        io.stdout.write(formatOverview(group));
        return argv.length === 1 ? ExitCode.ok : ExitCode.usage;
      }
      throw new UsageError(`unknown command '${argv[0]}' (see 'oqat --help')`);
    }
    const { options, positionals } = parseCommandArgs(command, rest);
    if (options.help) {
      io.stdout.write(formatCommandHelp(command));
      return ExitCode.ok;
    }
    return (await command.run(options, positionals, io)) ?? ExitCode.ok;
  } catch (err) {
    return reportError(err, io);
  }
}

/** The process entry: runs and exits (the wasm thread pool would otherwise keep Node alive). */
export async function runCli(argv: string[]): Promise<never> {
  const code = await main(argv);
  process.exit(code);
}

import type { CliIo } from './io';

export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  /** shown in help; parsing leaves absent options undefined and each command sets its defaults */
  default?: string | boolean;
  choices?: readonly string[];
  short?: string;
}

export type ParsedOptions = Record<string, string | boolean | undefined>;

/** One entry of the command registry; the implementation is imported only when the command runs. */
export interface CommandSpec {
  /** words that select the command, e.g. ['bench', 'train-step'] */
  path: readonly string[];
  summary: string;
  options: Record<string, OptionSpec>;
  /** names of positional arguments, for help */
  positionals?: readonly string[];
  examples: readonly string[];
  run: (options: ParsedOptions, positionals: string[], io: CliIo) => Promise<number | void>;
}

/** `--json` is accepted by every command. */
export const jsonOption: OptionSpec = { type: 'boolean', description: 'print machine-readable JSON lines' };

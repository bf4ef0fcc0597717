import type { CommandSpec } from './command';

export function formatOverview(commands: readonly CommandSpec[]): string {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  const lines = commands.map((c) => `  oqat ${c.path.join(' ').padEnd(width)}  ${c.summary}`);
  return `OQAT Studio: once-for-all quantization-aware training, hardware-aware search, export.\n\nUsage:\n${lines.join('\n')}\n\nRun 'oqat <command> --help' for a command's options.\n`;
}

export function formatCommandHelp(command: CommandSpec): string {
  const usage = `oqat ${command.path.join(' ')}${(command.positionals ?? []).map((p) => ` <${p}>`).join('')} [options]`;
  const options = Object.entries(command.options).map(([name, o]) => {
    const value = o.type === 'string' ? (o.choices ? ` <${o.choices.join('|')}>` : ' <value>') : '';
    const def = o.default !== undefined ? ` (default: ${o.default})` : '';
    return `  --${name}${value}\n      ${o.description}${def}`;
  });
  const examples = command.examples.map((e) => `  ${e}`);
  return `${command.summary}\n\nUsage: ${usage}\n\nOptions:\n${options.join('\n')}\n  --help\n      show this help\n\nExamples:\n${examples.join('\n')}\n`;
}

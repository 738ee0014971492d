import { parseArgs } from 'node:util';

/**
 * The flags of one `imaging-network` sub-command, as lists: every flag is a string or a boolean,
 * and `--help` is always accepted. One place that turns the lists into node:util parseArgs options
 * (strict: an unknown flag throws, naming it).
 */
export interface CommandFlags<S extends string, B extends string> {
  strings?: readonly S[];
  booleans?: readonly B[];
  positionals?: boolean;
}

export function parseCommandArgs<S extends string = never, B extends string = never>(
  args: string[],
  flags: CommandFlags<S, B>,
): { values: Partial<Record<S, string> & Record<B | 'help', boolean>>; positionals: string[] } {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const name of flags.strings ?? []) options[name] = { type: 'string' };
  for (const name of flags.booleans ?? []) options[name] = { type: 'boolean' };
  const { values, positionals } = parseArgs({ args, options, allowPositionals: flags.positionals ?? false });
  return { values: values as Partial<Record<S, string> & Record<B | 'help', boolean>>, positionals };
}

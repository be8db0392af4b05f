import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Bad command-line input: printed with the command's name, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true, allowNegative: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

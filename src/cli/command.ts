import type { Out } from './output.js';

export interface CliOut extends Out {
  /** Prints a JSON document on stdout (for --json). */
  print(value: unknown): void;
  /** Prints the command's usage to stderr and returns the usage exit code. */
  usage(): number;
}

export interface CommandContext {
  positionals: string[];
  values: Record<string, string | boolean | string[] | undefined>;
  out: CliOut;
  signal: AbortSignal;
}

export type OptionSpec = { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | boolean };

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: Record<string, OptionSpec>;
  run(ctx: CommandContext): Promise<number>;
}

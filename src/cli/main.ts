#!/usr/bin/env node
/**
 * `framewise` command line: the same core services as the app, for scripts, clusters and CI.
 * Exit codes: 0 ok, 1 some input failed (details on stderr), 2 usage error, 130 interrupted.
 */
import { parseArgs } from 'node:util';
import { toFramewiseError } from '../errors.js';
import { VERSION } from '../version.js';
import { createOut } from './output.js';
import type { CliOut, Command } from './command.js';
import { probeCommand } from './commands/probe.js';
import { extractCommand } from './commands/extract.js';
import { initCommand, addCommand } from './commands/project.js';
import { infoCommand } from './commands/info.js';
import { serveCommand } from './commands/serve.js';
import { trainCommand } from './commands/train.js';
import { predictCommand } from './commands/predict.js';
import { evalCommand } from './commands/eval.js';
import { importCommand } from './commands/import.js';
import { suggestCommand } from './commands/suggest.js';
import { trainCaptionerCommand, captionCommand, importCaptionsCommand } from './commands/captioning.js';
import { demoCommand } from './commands/demo.js';
import { mergeCommand } from './commands/merge.js';
import { exportCommand, exportDatasetCommand } from './commands/export.js';
import { importModelCommand } from './commands/import-model.js';
import { restoreVersionCommand, versionsCommand } from './commands/versions.js';
import { relinkCommand } from './commands/relink.js';

export const COMMANDS: Command[] = [
  probeCommand,
  extractCommand,
  demoCommand,
  initCommand,
  addCommand,
  importCommand,
  trainCommand,
  predictCommand,
  mergeCommand,
  evalCommand,
  suggestCommand,
  importCaptionsCommand,
  trainCaptionerCommand,
  captionCommand,
  exportCommand,
  exportDatasetCommand,
  importModelCommand,
  infoCommand,
  serveCommand,
  versionsCommand,
  restoreVersionCommand,
  relinkCommand,
] as Command[];

function help(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `framewise ${VERSION} — video action recognition and captioning with LSTM/GRU`,
    '',
    'Usage: framewise <command> [options]',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '',
    'Global options: --json (machine-readable output on stdout), --help, --version',
    "New here? 'framewise demo' creates a small labelled project with a trained model to explore.",
    "Run 'framewise <command> --help' for a command's options.",
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help() + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(VERSION + '\n');
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`error: unknown command "${name}"\n\n${help()}\n`);
    return 2;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { ...command.options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\nUsage: ${command.usage}\n`);
    return 2;
  }
  if (parsed.values['help']) {
    process.stdout.write(`${command.summary}\n\nUsage: ${command.usage}\n`);
    return 0;
  }
  const base = createOut({ json: Boolean(parsed.values['json']) });
  const out: CliOut = Object.assign(base, {
    print: (value: unknown) => void process.stdout.write(JSON.stringify(value, null, 2) + '\n'),
    usage: () => {
      process.stderr.write(`Usage: ${command.usage}\n`);
      return 2;
    },
  });
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await command.run({
      positionals: parsed.positionals,
      values: parsed.values as Record<string, string | boolean | string[] | undefined>,
      out,
      signal: controller.signal,
    });
  } catch (e) {
    const err = toFramewiseError(e);
    if (out.json) out.print({ error: err.toJSON() });
    out.error(err);
    if (err.code === 'ABORTED') return 130;
    return err.code === 'BAD_ARGUMENT' ? 2 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * The cluster job files in examples/cluster cannot run here (no Slurm, no Kubernetes), so this
 * checks what would break them silently: every `framewise` command they call exists and takes
 * every flag they pass.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { COMMANDS } from '../../src/cli/main.js';

const read = (name: string): string => readFileSync(new URL(`../../examples/cluster/${name}`, import.meta.url), 'utf8');

/** Each `framewise <command> ...` in a text (continuation lines joined), as [command, flags]. */
function invocations(text: string): [string, string[]][] {
  const joined = text.replace(/\\\n\s*/g, ' ');
  return [...joined.matchAll(/\bframewise (\w[\w-]*)([^\n|;]*)/g)].map((m) => [
    m[1]!,
    [...m[2]!.matchAll(/(?:^|\s)--([\w-]+)/g)].map((f) => f[1]!),
  ]);
}

/** The `args:` list of the Job's container, one `- item` a line. */
function yamlArgs(text: string): string[] {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => /^\s+args:\s*$/.test(l));
  const out: string[] = [];
  for (const l of lines.slice(at + 1)) {
    const m = /^\s+- (\S+)\s*$/.exec(l);
    if (!m) break;
    out.push(m[1]!);
  }
  return out;
}

function expectKnown(command: string, flags: string[]): void {
  const c = COMMANDS.find((x) => x.name === command);
  expect(c, `framewise ${command}`).toBeDefined();
  for (const f of flags) expect(Object.keys(c!.options).concat('json', 'help'), `${command} --${f}`).toContain(f);
}

describe('examples/cluster job files', () => {
  it('the Slurm array calls predict and merge with flags they take', () => {
    const calls = invocations(read('slurm-predict.sbatch'));
    expect(calls.map(([c]) => c).sort()).toEqual(['merge', 'predict']);
    for (const [c, flags] of calls) expectKnown(c, flags);
    expect(calls.find(([c]) => c === 'predict')![1]).toEqual(expect.arrayContaining(['list', 'shard', 'out-dir']));
  });

  it('the Kubernetes Indexed Job runs predict over its shard index with flags predict takes', () => {
    const text = read('kubernetes-predict-job.yaml');
    const [command, ...rest] = yamlArgs(text);
    expect(command).toBe('predict');
    expectKnown(
      command!,
      rest.filter((a) => a.startsWith('--')).map((a) => a.slice(2)),
    );
    const shard = rest[rest.indexOf('--shard') + 1];
    const completions = /completions: (\d+)/.exec(text)?.[1];
    expect(shard).toBe(`JOB_COMPLETION_INDEX/${completions}`);
    expect(text).toMatch(/completionMode: Indexed/);
  });

  it('the check reads flags: an unknown one fails it', () => {
    expect(() => expectKnown('predict', ['no-such-flag'])).toThrow();
    expect(invocations('framewise predict p --list l \\\n  --shard 0/2')).toEqual([['predict', ['list', 'shard']]]);
  });
});

import { describe, it, expect } from 'vitest';
import { parseShard, selectShard } from '../../src/cli/shard.js';

describe('--shard', () => {
  it('parses k/N and environment-variable indices', () => {
    expect(parseShard('0/4')).toEqual({ index: 0, count: 4 });
    expect(parseShard('SLURM_ARRAY_TASK_ID/3', { SLURM_ARRAY_TASK_ID: '2' })).toEqual({ index: 2, count: 3 });
    expect(() => parseShard('4/4')).toThrow(/0\.\.3/);
    expect(() => parseShard('JOB_COMPLETION_INDEX/2', {})).toThrow(/not set/);
    expect(() => parseShard('a-b')).toThrow(/k\/N/);
  });

  it('splits a list into disjoint shards that cover it, whatever the input order', () => {
    const items = Array.from({ length: 23 }, (_, i) => `v${i}.mp4`);
    const shuffled = [...items].reverse();
    const shards = [0, 1, 2, 3].map((index) => selectShard(items, { index, count: 4 }, (s) => s));
    expect(shards.flat().sort()).toEqual([...items].sort());
    expect(new Set(shards.flat()).size).toBe(items.length);
    expect(selectShard(shuffled, { index: 1, count: 4 }, (s) => s)).toEqual(shards[1]);
  });
});

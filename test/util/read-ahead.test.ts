import { describe, expect, it } from 'vitest';
import { readAhead } from '../../src/util/read-ahead.js';

/** A source that records how far it has been pulled and whether it was closed. */
function source(count: number, failAt?: number) {
  const state = { pulled: 0, closed: false };
  async function* gen(): AsyncGenerator<number> {
    try {
      for (let i = 0; i < count; i++) {
        if (i === failAt) throw new Error(`broken at ${i}`);
        await new Promise((r) => setImmediate(r));
        state.pulled++;
        yield i;
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, iterable: gen() };
}

const tick = (ms = 20): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('readAhead', () => {
  it('yields every item in order', async () => {
    const { iterable } = source(50);
    const out: number[] = [];
    for await (const x of readAhead(iterable, 4)) out.push(x);
    expect(out).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('reads ahead of a slow consumer, but never more than the limit', async () => {
    const { state, iterable } = source(100);
    const it = readAhead(iterable, 8);
    expect((await it.next()).value).toBe(0);
    await tick(); // the consumer is busy; the pump fills the queue meanwhile
    // 1 handed out + 8 queued (+1 being read while the queue was full is not allowed).
    expect(state.pulled).toBe(9);
    await it.next();
    await tick();
    expect(state.pulled).toBe(10);
    await it.return(undefined);
  });

  it('surfaces a source error after the items before it', async () => {
    const { iterable } = source(10, 5);
    const out: number[] = [];
    await expect(
      (async () => {
        for await (const x of readAhead(iterable, 3)) out.push(x);
      })(),
    ).rejects.toThrow('broken at 5');
    expect(out).toEqual([0, 1, 2, 3, 4]);
  });

  it('closes the source when the consumer stops early', async () => {
    const { state, iterable } = source(1000);
    for await (const x of readAhead(iterable, 4)) if (x === 2) break;
    expect(state.closed).toBe(true);
    expect(state.pulled).toBeLessThan(10);
  });

  it('rejects a limit that is not a positive integer', async () => {
    await expect(readAhead(source(1).iterable, 0).next()).rejects.toThrow(RangeError);
    await expect(readAhead(source(1).iterable, 1.5).next()).rejects.toThrow(RangeError);
  });
});

/**
 * Pulls up to `limit` items from `source` ahead of the consumer.
 *
 * Why: decodeFrames reads ffmpeg's pipe only while its consumer asks for the next frame, so a
 * consumer busy with a CNN batch stalls ffmpeg, and the two then take turns instead of running at
 * once. Reading ahead into a bounded queue lets the decoder run on while the batch is computed;
 * memory stays bounded by `limit` items whatever the length of the source.
 *
 * Errors from the source surface at the consumer after the items read before them. Leaving the
 * consumer loop early returns the source (for decodeFrames: stops ffmpeg) once its pending read
 * settles.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, limit: number): AsyncGenerator<T, void, undefined> {
  if (!(Number.isInteger(limit) && limit >= 1)) throw new RangeError(`limit must be a whole number ≥ 1 (got ${limit})`);
  const it = source[Symbol.asyncIterator]();
  const queue: T[] = [];
  let ended = false;
  let failure: { error: unknown } | undefined;
  let stopped = false;
  // Wakes the consumer when an item, the end or an error arrives; wakes the pump when room frees up.
  let wakeConsumer: (() => void) | undefined;
  let wakePump: (() => void) | undefined;
  const signalConsumer = (): void => {
    const w = wakeConsumer;
    wakeConsumer = undefined;
    w?.();
  };

  const pump = (async (): Promise<void> => {
    try {
      while (!stopped) {
        if (queue.length >= limit) {
          await new Promise<void>((resolve) => (wakePump = resolve));
          continue;
        }
        const r = await it.next();
        if (r.done) break;
        queue.push(r.value);
        signalConsumer();
      }
    } catch (error) {
      failure = { error };
    } finally {
      ended = true;
      signalConsumer();
    }
  })();

  try {
    for (;;) {
      if (queue.length > 0) {
        const item = queue.shift() as T;
        const w = wakePump;
        wakePump = undefined;
        w?.();
        yield item;
        continue;
      }
      if (ended) {
        if (failure) throw failure.error;
        return;
      }
      await new Promise<void>((resolve) => (wakeConsumer = resolve));
    }
  } finally {
    if (!ended) {
      stopped = true;
      const w = wakePump;
      wakePump = undefined;
      w?.();
      await pump;
      // The pump stopped between items; the source is still open unless it ended by itself.
      if (!failure) await it.return?.();
    }
    queue.length = 0;
  }
}

/**
 * Recycled frame buffers. A frame is 150 KB at 224²; allocating one per frame means fresh memory,
 * and on small VMs the page faults of fresh memory cost more than decoding's own copy (measured:
 * half a millisecond per 224² frame). A consumer that is done with a frame's bytes hands them back
 * with `give()` and the decoder fills them again.
 */
export class FramePool {
  private readonly free: Uint8Array[] = [];

  constructor(
    readonly frameBytes: number,
    /** Most buffers kept for reuse; more are left to the garbage collector. */
    readonly limit = 256,
  ) {
    if (!Number.isInteger(frameBytes) || frameBytes <= 0) throw new RangeError('frameBytes must be > 0');
  }

  /** A buffer of `frameBytes`, recycled when one is free (its old contents are overwritten by the caller). */
  take(): Uint8Array {
    return this.free.pop() ?? new Uint8Array(this.frameBytes);
  }

  /** Returns a buffer the caller will not read or keep any more. Buffers of another size are ignored. */
  give(buffer: Uint8Array): void {
    if (buffer.byteLength === this.frameBytes && buffer.byteOffset === 0 && this.free.length < this.limit) {
      this.free.push(buffer);
    }
  }

  get available(): number {
    return this.free.length;
  }
}

const shared = new Map<number, FramePool>();

/**
 * One pool per frame size for the whole process, so that consecutive extractions reuse the same
 * buffers. Bounded: at most `limit` frames are kept (96 × 150 KB ≈ 14 MB at 224²).
 */
export function sharedFramePool(frameBytes: number, limit = 96): FramePool {
  let pool = shared.get(frameBytes);
  if (!pool) {
    pool = new FramePool(frameBytes, limit);
    shared.set(frameBytes, pool);
  }
  return pool;
}

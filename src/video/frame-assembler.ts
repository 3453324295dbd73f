/**
 * Cuts a byte stream into fixed-size records (raw video frames) as chunks arrive. Each completed
 * record is a freshly allocated Uint8Array that the consumer owns; partial data is held only up to
 * one record, so memory stays at O(record size) however long the stream is.
 */
export class FrameAssembler {
  // Allocated when the first byte of a record arrives, so a finished stream leaves nothing behind.
  private current: Uint8Array | undefined;
  private filled = 0;

  constructor(
    readonly frameBytes: number,
    /** Where each record's buffer comes from (a FramePool, say); default a fresh array. */
    private readonly allocate: () => Uint8Array = () => new Uint8Array(frameBytes),
  ) {
    if (!Number.isInteger(frameBytes) || frameBytes <= 0) throw new RangeError(`frameBytes must be > 0`);
  }

  /** Bytes of an incomplete record currently held. */
  get pendingBytes(): number {
    return this.filled;
  }

  /** Feeds one chunk; yields every record it completes (zero, one or several). */
  *push(chunk: Uint8Array): Generator<Uint8Array, void, undefined> {
    let offset = 0;
    while (offset < chunk.length) {
      const target = (this.current ??= this.allocate());
      const n = Math.min(this.frameBytes - this.filled, chunk.length - offset);
      target.set(chunk.subarray(offset, offset + n), this.filled);
      this.filled += n;
      offset += n;
      if (this.filled === this.frameBytes) {
        this.current = undefined;
        this.filled = 0;
        yield target;
      }
    }
  }
}

/**
 * Minimal protobuf writer: just enough of the wire format to emit ONNX models (varints, length-delimited
 * fields, fixed32 floats, packed repeated scalars). We only ever write, never read, so a full protobuf
 * runtime would be dead weight.
 *
 * Large byte payloads (weight tensors, tens of MB) are kept by reference and copied exactly once, in
 * `finish()`, so encoding a model costs one extra copy of its weights and nothing more.
 */

export const WireType = { VARINT: 0, FIXED64: 1, LENGTH_DELIMITED: 2, FIXED32: 5 } as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

/** Payloads at least this big are referenced instead of copied into the scratch buffer. */
const BIG_PAYLOAD = 4096;
const TWO_POW_64 = 1n << 64n;

export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private scratch = new Uint8Array(256);
  private used = 0;
  private flushed = 0;

  /** Total encoded length so far in bytes. */
  get length(): number {
    return this.flushed + this.used;
  }

  /** Writes a field of wire type VARINT. Negative values are encoded as 64-bit two's complement (int64 semantics). */
  varint(field: number, value: number | bigint): this {
    this.tag(field, WireType.VARINT);
    this.rawVarint(value);
    return this;
  }

  /** Writes a bool field (varint 0/1). */
  bool(field: number, value: boolean): this {
    return this.varint(field, value ? 1 : 0);
  }

  /** Writes a `float` field (wire type FIXED32, little-endian IEEE 754 single). */
  float(field: number, value: number): this {
    this.tag(field, WireType.FIXED32);
    this.rawFloat32(value);
    return this;
  }

  /** Writes a UTF-8 `string` field. */
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** Writes a `bytes` field. Big payloads are referenced, so do not mutate `value` before `finish()`. */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WireType.LENGTH_DELIMITED);
    this.rawVarint(value.length);
    this.rawBytes(value);
    return this;
  }

  /** Writes an embedded message field. The nested writer's parts are adopted by reference. */
  message(field: number, build: ProtoWriter | ((w: ProtoWriter) => void)): this {
    let nested: ProtoWriter;
    if (build instanceof ProtoWriter) {
      nested = build;
    } else {
      nested = new ProtoWriter();
      build(nested);
    }
    this.tag(field, WireType.LENGTH_DELIMITED);
    this.rawVarint(nested.length);
    this.flush();
    for (const part of nested.drain()) this.pushPart(part);
    return this;
  }

  /** Writes a packed `repeated float` field (one length-delimited run of fixed32 values). */
  packedFloats(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    const payload = new Uint8Array(values.length * 4);
    const view = new DataView(payload.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] as number, true);
    return this.bytes(field, payload);
  }

  /** Writes a packed `repeated int64/int32/uint64` field (varints in one length-delimited run). */
  packedVarints(field: number, values: ArrayLike<number | bigint>): this {
    if (values.length === 0) return this;
    const inner = new ProtoWriter();
    for (let i = 0; i < values.length; i++) inner.rawVarint(values[i] as number | bigint);
    this.tag(field, WireType.LENGTH_DELIMITED);
    this.rawVarint(inner.length);
    this.flush();
    for (const part of inner.drain()) this.pushPart(part);
    return this;
  }

  /** Concatenates everything written into one buffer. The writer can keep being used afterwards. */
  finish(): Uint8Array {
    this.flush();
    if (this.parts.length === 1) return this.parts[0] as Uint8Array;
    const out = new Uint8Array(this.flushed);
    let offset = 0;
    for (const part of this.parts) {
      out.set(part, offset);
      offset += part.length;
    }
    this.parts.length = 0;
    this.parts.push(out);
    return out;
  }

  /** Writes a field key: (field_number << 3) | wire_type. */
  tag(field: number, wireType: WireType): this {
    if (!Number.isInteger(field) || field < 1 || field > 0x1fffffff) {
      throw new RangeError(`protobuf field number out of range: ${field}`);
    }
    this.rawVarint(field * 8 + wireType);
    return this;
  }

  /** Writes a bare varint with no key (used inside packed runs and for lengths). */
  rawVarint(value: number | bigint): this {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) throw new RangeError(`varint must be a safe integer, got ${value}`);
      if (value >= 0) {
        this.ensure(10);
        // Division instead of >>> because values can exceed 32 bits.
        let v = value;
        while (v >= 0x80) {
          this.scratch[this.used++] = (v % 128) | 0x80;
          v = Math.floor(v / 128);
        }
        this.scratch[this.used++] = v;
        return this;
      }
      value = BigInt(value);
    }
    let v = value < 0n ? value + TWO_POW_64 : value;
    if (v < 0n || v >= TWO_POW_64) throw new RangeError(`varint out of 64-bit range: ${value}`);
    this.ensure(10);
    while (v >= 0x80n) {
      this.scratch[this.used++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.scratch[this.used++] = Number(v);
    return this;
  }

  private rawFloat32(value: number): void {
    this.ensure(4);
    new DataView(this.scratch.buffer, this.scratch.byteOffset).setFloat32(this.used, value, true);
    this.used += 4;
  }

  private rawBytes(value: Uint8Array): void {
    if (value.length >= BIG_PAYLOAD) {
      this.flush();
      this.pushPart(value);
      return;
    }
    this.ensure(value.length);
    this.scratch.set(value, this.used);
    this.used += value.length;
  }

  private ensure(extra: number): void {
    if (this.used + extra <= this.scratch.length) return;
    const next = new Uint8Array(Math.max(this.scratch.length * 2, this.used + extra));
    next.set(this.scratch.subarray(0, this.used));
    this.scratch = next;
  }

  private flush(): void {
    if (this.used === 0) return;
    this.pushPart(this.scratch.slice(0, this.used));
    this.used = 0;
  }

  private pushPart(part: Uint8Array): void {
    if (part.length === 0) return;
    this.parts.push(part);
    this.flushed += part.length;
  }

  /** Hands over all parts and resets the writer (used when embedding it into a parent). */
  private drain(): Uint8Array[] {
    this.flush();
    const parts = this.parts.splice(0);
    this.flushed = 0;
    return parts;
  }
}

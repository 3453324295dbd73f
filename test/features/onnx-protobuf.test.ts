import { describe, expect, it } from 'vitest';
import { ProtoWriter } from '../../src/features/onnx/protobuf.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('ProtoWriter', () => {
  it('encodes varints as in the protobuf spec examples', () => {
    expect(hex(new ProtoWriter().varint(1, 150).finish())).toBe('089601');
    expect(hex(new ProtoWriter().varint(1, 1).finish())).toBe('0801');
    expect(hex(new ProtoWriter().varint(1, 0).finish())).toBe('0800');
    expect(hex(new ProtoWriter().varint(2, 300).finish())).toBe('10ac02');
    // Beyond 32 bits: 2^35 = 0x8_0000_0000
    expect(hex(new ProtoWriter().rawVarint(2 ** 35).finish())).toBe('8080808080' + '01');
    expect(hex(new ProtoWriter().rawVarint(Number.MAX_SAFE_INTEGER).finish())).toBe('ffffffffffffff0f');
  });

  it('encodes negative int64 as ten-byte two complement', () => {
    expect(hex(new ProtoWriter().varint(3, -1).finish())).toBe('18ffffffffffffffffff01');
    expect(hex(new ProtoWriter().varint(3, -2n).finish())).toBe('18feffffffffffffffff01');
  });

  it('encodes strings and bytes as length-delimited fields', () => {
    expect(hex(new ProtoWriter().string(2, 'testing').finish())).toBe('120774657374696e67');
    expect(hex(new ProtoWriter().bytes(4, new Uint8Array([1, 2, 3])).finish())).toBe('2203010203');
    expect(hex(new ProtoWriter().string(1, '').finish())).toBe('0a00');
  });

  it('encodes fixed32 floats little-endian', () => {
    expect(hex(new ProtoWriter().float(2, 1).finish())).toBe('150000803f');
    expect(hex(new ProtoWriter().float(2, -2.5).finish())).toBe('15000020c0');
  });

  it('encodes nested messages with their length prefix', () => {
    // message Test3 { Test1 c = 3; } with Test1.a = 150 -> 1a 03 08 96 01
    const outer = new ProtoWriter().message(3, (m) => m.varint(1, 150));
    expect(hex(outer.finish())).toBe('1a03089601');
    const deep = new ProtoWriter().message(1, (a) => a.message(2, (b) => b.string(1, 'x')));
    expect(hex(deep.finish())).toBe('0a05' + '1203' + '0a0178');
  });

  it('encodes packed repeated fields', () => {
    // repeated int32 f = 4 [packed]: 3, 270, 86942 -> 22 06 03 8e 02 9e a7 05
    expect(hex(new ProtoWriter().packedVarints(4, [3, 270, 86942]).finish())).toBe('2206038e029ea705');
    expect(hex(new ProtoWriter().packedFloats(7, [1, 2]).finish())).toBe('3a08' + '0000803f' + '00000040');
    expect(new ProtoWriter().packedVarints(4, []).finish().length).toBe(0);
  });

  it('keeps large payloads intact and counts length across parts', () => {
    const big = new Uint8Array(100_000).map((_, i) => i % 251);
    const w = new ProtoWriter().varint(1, 7).bytes(9, big).varint(2, 8);
    const out = w.finish();
    // tag(1) + 1 byte, tag(9) + 3-byte length, payload, tag(2) + 1 byte
    expect(out.length).toBe(2 + 1 + 3 + big.length + 2);
    expect(hex(out.subarray(0, 6))).toBe('0807' + '4a' + 'a08d06');
    expect(Buffer.compare(out.subarray(6, 6 + big.length), big)).toBe(0);
    expect(hex(out.subarray(out.length - 2))).toBe('1008');
    const nested = new ProtoWriter().message(5, w);
    expect(nested.finish().length).toBe(1 + 3 + out.length);
  });

  it('rejects invalid field numbers and unsafe integers', () => {
    expect(() => new ProtoWriter().varint(0, 1)).toThrow(RangeError);
    expect(() => new ProtoWriter().varint(1, 2 ** 60)).toThrow(RangeError);
    expect(() => new ProtoWriter().varint(1, 1.5)).toThrow(RangeError);
  });
});

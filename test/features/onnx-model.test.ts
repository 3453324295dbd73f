import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  DataType,
  GraphBuilder,
  attr,
  encodeModel,
  floatTensor,
  int64Tensor,
} from '../../src/features/onnx/onnx-model.js';

async function session(model: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(model, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
}

describe('ONNX model builder', () => {
  it('writes the ModelProto header fields at the documented field numbers', () => {
    const g = new GraphBuilder('g');
    g.addInput({ name: 'x', elemType: DataType.FLOAT, dims: ['N', 2] });
    g.addNode({ opType: 'Identity', inputs: ['x'], outputs: ['y'] });
    g.addOutput({ name: 'y', elemType: DataType.FLOAT, dims: ['N', 2] });
    const bytes = encodeModel({ graph: g.build(), producerName: 'p' });
    // ir_version (field 1, varint) = 8, then producer_name (field 2) = "p"
    expect(Buffer.from(bytes.subarray(0, 5)).toString('hex')).toBe('0808' + '120170');
    // opset_import (field 8): { version (2) = 13 } -> 42 02 10 0d
    expect(Buffer.from(bytes).toString('hex')).toContain('4202100d');
  });

  it('loads in onnxruntime with a symbolic batch dim and runs Add', async () => {
    const g = new GraphBuilder('add');
    g.addInput({ name: 'a', elemType: DataType.FLOAT, dims: ['N', 3] });
    const b = g.addFloats('b', [3], new Float32Array([10, 20, 30]));
    g.addNode({ opType: 'Add', inputs: ['a', b], outputs: ['sum'] });
    g.addOutput({ name: 'sum', elemType: DataType.FLOAT, dims: ['N', 3] });
    const s = await session(encodeModel({ graph: g.build() }));
    expect(s.inputMetadata[0]).toMatchObject({ name: 'a', type: 'float32', shape: ['N', 3] });
    const out = await s.run({ a: new ort.Tensor('float32', new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]) });
    expect(Array.from(out.sum!.data as Float32Array)).toEqual([11, 22, 33, 14, 25, 36]);
    await s.release();
  });

  it('encodes every attribute kind the converter uses (int, ints, float, floats, string, tensor)', async () => {
    const g = new GraphBuilder('attrs');
    g.addInput({ name: 'img', elemType: DataType.UINT8, dims: ['N', 1, 3, 3] });
    const x = g.add('Cast', ['img'], 'x', [attr.int('to', DataType.FLOAT)]);
    // 3x3 sum kernel with SAME_UPPER padding (string attr) and a bias.
    const w = g.addFloats('w', [1, 1, 3, 3], new Float32Array(9).fill(1));
    const bias = g.addFloats('bias', [1], new Float32Array([0.5]));
    const conv = g.add('Conv', [x, w, bias], 'conv', [
      attr.ints('kernel_shape', [3, 3]),
      attr.string('auto_pad', 'SAME_UPPER'),
      attr.int('group', 1),
    ]);
    const leaky = g.add('LeakyRelu', [conv], 'leaky', [attr.float('alpha', 0.25)]);
    g.addNode({ opType: 'Identity', inputs: [leaky], outputs: ['y'] });
    g.addNode({
      opType: 'Constant',
      inputs: [],
      outputs: ['fl'],
      attributes: [attr.floats('value_floats', [1.5, -2])],
    });
    g.addNode({
      opType: 'Constant',
      inputs: [],
      outputs: ['in'],
      attributes: [attr.ints('value_ints', [-3, 7, 2 ** 40])],
    });
    g.addNode({
      opType: 'Constant',
      inputs: [],
      outputs: ['te'],
      attributes: [attr.tensor('value', floatTensor('t', [2, 2], new Float32Array([1, 2, 3, 4])))],
    });
    const shape = g.addInitializer(int64Tensor('shape', [2], [1, -1]));
    g.addNode({ opType: 'Reshape', inputs: ['te', shape], outputs: ['flat'] });
    for (const [name, elemType, dims] of [
      ['y', DataType.FLOAT, ['N', 1, 3, 3]],
      ['fl', DataType.FLOAT, [2]],
      ['in', DataType.INT64, [3]],
      ['te', DataType.FLOAT, [2, 2]],
      ['flat', DataType.FLOAT, [1, 4]],
    ] as const) {
      g.addOutput({ name, elemType, dims: [...dims] });
    }
    const s = await session(encodeModel({ graph: g.build(), metadata: { k: 'v' } }));
    const img = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const out = await s.run({ img: new ort.Tensor('uint8', img, [1, 1, 3, 3]) });
    // Centre pixel: sum of all 9 = 45 + 0.5 bias; corner (0,0): 1+2+4+5 = 12.5
    const y = out.y!.data as Float32Array;
    expect(y[4]).toBeCloseTo(45.5);
    expect(y[0]).toBeCloseTo(12.5);
    expect(Array.from(out.fl!.data as Float32Array)).toEqual([1.5, -2]);
    expect(Array.from(out.in!.data as BigInt64Array)).toEqual([-3n, 7n, 2n ** 40n]);
    expect(Array.from(out.te!.data as Float32Array)).toEqual([1, 2, 3, 4]);
    expect(out.flat!.dims).toEqual([1, 4]);
    await s.release();
  });

  it('refuses graphs that use a value before defining it', () => {
    const g = new GraphBuilder('bad');
    expect(() => g.addNode({ opType: 'Relu', inputs: ['nope'], outputs: ['y'] })).toThrow(/before it is defined/);
    g.addInput({ name: 'x', elemType: DataType.FLOAT, dims: [1] });
    expect(() => g.addInput({ name: 'x', elemType: DataType.FLOAT, dims: [1] })).toThrow(/defined twice/);
    expect(() => floatTensor('t', [2, 2], new Float32Array(3))).toThrow(/need 4 values/);
  });
});

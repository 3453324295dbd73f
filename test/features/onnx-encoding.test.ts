/**
 * The ONNX encoding (protobufjs over the onnx.proto subset in onnx-proto.ts): what it writes
 * decodes back to the same model, a model that does not fit the schema is refused before a file
 * is written, and every kind of file Framewise writes passes Debian's python3-onnx checker.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnnxFromNpm } from '../../src/features/backbones/materialise.js';
import { getBackbone } from '../../src/features/backbones/registry.js';
import { DataType, GraphBuilder, attr, encodeModel } from '../../src/features/onnx/onnx-model.js';
import { encodeModelProto, modelProtoType } from '../../src/features/onnx/onnx-proto.js';
import { checkOnnxFile, pythonHas } from '../fixtures/python.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-onnx-enc-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function smallModel(): Uint8Array {
  const g = new GraphBuilder('small');
  g.addInput({ name: 'x', elemType: DataType.FLOAT, dims: ['N', 3] });
  const w = g.addFloats('w', [3], new Float32Array([0.5, -2, 3]));
  const m = g.add('Mul', ['x', w], 'm');
  g.add('ReduceMean', [m], 'sum', [attr.ints('axes', [-1]), attr.int('keepdims', 0)]);
  g.addNode({ opType: 'Identity', inputs: ['sum'], outputs: ['y'] });
  g.addOutput({ name: 'y', elemType: DataType.FLOAT, dims: ['N'] });
  return encodeModel({ graph: g.build(), producerName: 'framewise', opset: 13, metadata: { k: 'v' } });
}

describe('ONNX encoding', () => {
  it('decodes back to the model it was given (names, dims, attributes, weights, metadata)', () => {
    const m = modelProtoType().toObject(modelProtoType().decode(smallModel()), { longs: Number }) as {
      ir_version: number;
      opset_import: { version: number }[];
      metadata_props: { key: string; value: string }[];
      graph: {
        node: { op_type: string; attribute: { name: string; ints?: number[]; i?: number }[] }[];
        initializer: { name: string; dims: number[]; raw_data: Uint8Array }[];
        input: { type: { tensor_type: { shape: { dim: { dim_param?: string; dim_value?: number }[] } } } }[];
      };
    };
    expect(m.ir_version).toBe(8);
    expect(m.opset_import[0]!.version).toBe(13);
    expect(m.metadata_props).toEqual([{ key: 'k', value: 'v' }]);
    expect(m.graph.node.map((n) => n.op_type)).toEqual(['Mul', 'ReduceMean', 'Identity']);
    expect(m.graph.node[1]!.attribute).toMatchObject([
      { name: 'axes', ints: [-1] },
      { name: 'keepdims', i: 0 },
    ]);
    const w = m.graph.initializer[0]!;
    expect(w.dims).toEqual([3]);
    expect(Array.from(new Float32Array(Uint8Array.from(w.raw_data).buffer))).toEqual([0.5, -2, 3]);
    expect(m.graph.input[0]!.type.tensor_type.shape.dim).toEqual([{ dim_param: 'N' }, { dim_value: 3 }]);
  });

  it('refuses a model that does not fit onnx.ModelProto', () => {
    expect(() => encodeModelProto({ ir_version: 'eight' })).toThrow(/ir_version/);
  });

  it.skipIf(!pythonHas('onnx'))(
    'a small graph and the converted backbones pass python3-onnx’s checker',
    async () => {
      const small = join(dir, 'small.onnx');
      await writeFile(small, smallModel());
      expect(checkOnnxFile(small)).toMatch(/^13 .*'ReduceMean'/);
      for (const id of ['mobilenet_v2_nsfwjs', 'mobilenet_v2_nsfwjs_int8_v2']) {
        const file = join(dir, `${id}.onnx`);
        await writeFile(file, (await buildOnnxFromNpm(await getBackbone(id))).onnx);
        expect(checkOnnxFile(file)).toMatch(id.includes('int8') ? /'QuantizeLinear'/ : /'Conv'/);
      }
    },
    120_000,
  );
});

/**
 * Typed builder for ONNX ModelProto. Covers the subset we emit (dense tensors, the attribute kinds the
 * converter needs, static or symbolic dims) and encodes it with protobufjs against the onnx.proto
 * subset in onnx-proto.ts (IR version 8).
 */
import { encodeModelProto } from './onnx-proto.js';

export const IR_VERSION = 8;
export const DEFAULT_OPSET = 13;

/** TensorProto.DataType values we use. */
export const DataType = { FLOAT: 1, UINT8: 2, INT64: 7 } as const;
export type DataType = (typeof DataType)[keyof typeof DataType];

/** AttributeProto.AttributeType values. */
const AttrType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

export interface TensorInit {
  name: string;
  dataType: DataType;
  dims: readonly number[];
  /** Little-endian element bytes, as ONNX `raw_data` expects. */
  rawData: Uint8Array;
}

export type Attribute =
  | { name: string; kind: 'float'; value: number }
  | { name: string; kind: 'int'; value: number }
  | { name: string; kind: 'string'; value: string }
  | { name: string; kind: 'tensor'; value: TensorInit }
  | { name: string; kind: 'floats'; value: readonly number[] }
  | { name: string; kind: 'ints'; value: readonly number[] };

export interface NodeInit {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  attributes?: readonly Attribute[];
  domain?: string;
}

/** A dimension is a fixed size or a symbolic name such as 'N' for the batch. */
export type Dim = number | string;

export interface ValueInfo {
  name: string;
  elemType: DataType;
  dims: readonly Dim[];
}

export interface GraphInit {
  name: string;
  nodes: readonly NodeInit[];
  initializers: readonly TensorInit[];
  inputs: readonly ValueInfo[];
  outputs: readonly ValueInfo[];
}

export interface ModelInit {
  graph: GraphInit;
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  opset?: number;
  /** Free-form key/value pairs stored in ModelProto.metadata_props. */
  metadata?: Record<string, string>;
}

export const attr = {
  float: (name: string, value: number): Attribute => ({ name, kind: 'float', value }),
  int: (name: string, value: number): Attribute => ({ name, kind: 'int', value }),
  string: (name: string, value: string): Attribute => ({ name, kind: 'string', value }),
  tensor: (name: string, value: TensorInit): Attribute => ({ name, kind: 'tensor', value }),
  floats: (name: string, value: readonly number[]): Attribute => ({ name, kind: 'floats', value }),
  ints: (name: string, value: readonly number[]): Attribute => ({ name, kind: 'ints', value }),
};

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** float32 tensor; shares memory with `values` on little-endian hosts. */
export function floatTensor(name: string, dims: readonly number[], values: Float32Array): TensorInit {
  checkCount(name, dims, values.length);
  let rawData: Uint8Array;
  if (LITTLE_ENDIAN) {
    rawData = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  } else {
    rawData = new Uint8Array(values.length * 4);
    const view = new DataView(rawData.buffer);
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  }
  return { name, dataType: DataType.FLOAT, dims: [...dims], rawData };
}

export function int64Tensor(name: string, dims: readonly number[], values: readonly number[]): TensorInit {
  checkCount(name, dims, values.length);
  const rawData = new Uint8Array(values.length * 8);
  const view = new DataView(rawData.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return { name, dataType: DataType.INT64, dims: [...dims], rawData };
}

function checkCount(name: string, dims: readonly number[], count: number): void {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (expected !== count) {
    throw new RangeError(`tensor ${name}: dims [${dims.join(', ')}] need ${expected} values, got ${count}`);
  }
}

type Proto = Record<string, unknown>;

function tensorProto(t: TensorInit): Proto {
  return { dims: [...t.dims], data_type: t.dataType, name: t.name, raw_data: t.rawData };
}

function attributeProto(a: Attribute): Proto {
  switch (a.kind) {
    case 'float':
      return { name: a.name, f: a.value, type: AttrType.FLOAT };
    case 'int':
      return { name: a.name, i: a.value, type: AttrType.INT };
    case 'string':
      return { name: a.name, s: new TextEncoder().encode(a.value), type: AttrType.STRING };
    case 'tensor':
      return { name: a.name, t: tensorProto(a.value), type: AttrType.TENSOR };
    case 'floats':
      return { name: a.name, floats: [...a.value], type: AttrType.FLOATS };
    case 'ints':
      return { name: a.name, ints: [...a.value], type: AttrType.INTS };
  }
}

function nodeProto(n: NodeInit): Proto {
  return {
    input: [...n.inputs],
    output: [...n.outputs],
    ...(n.name !== undefined ? { name: n.name } : {}),
    op_type: n.opType,
    attribute: (n.attributes ?? []).map(attributeProto),
    ...(n.domain !== undefined ? { domain: n.domain } : {}),
  };
}

function valueInfoProto(v: ValueInfo): Proto {
  const dim = v.dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d }));
  return { name: v.name, type: { tensor_type: { elem_type: v.elemType, shape: { dim } } } };
}

function graphProto(g: GraphInit): Proto {
  return {
    node: g.nodes.map(nodeProto),
    name: g.name,
    initializer: g.initializers.map(tensorProto),
    input: g.inputs.map(valueInfoProto),
    output: g.outputs.map(valueInfoProto),
  };
}

/** Serialises a model to ONNX protobuf bytes (protobufjs, schema in onnx-proto.ts). */
export function encodeModel(model: ModelInit): Uint8Array {
  return encodeModelProto({
    ir_version: IR_VERSION,
    ...(model.producerName !== undefined ? { producer_name: model.producerName } : {}),
    ...(model.producerVersion !== undefined ? { producer_version: model.producerVersion } : {}),
    ...(model.docString !== undefined ? { doc_string: model.docString } : {}),
    graph: graphProto(model.graph),
    // The default domain ("" = ai.onnx) is left unset.
    opset_import: [{ version: model.opset ?? DEFAULT_OPSET }],
    metadata_props: Object.entries(model.metadata ?? {}).map(([key, value]) => ({ key, value })),
  });
}

/**
 * Incremental graph builder: unique names, initializer de-duplication of scalars, and a check that
 * every node input is defined before use (ONNX requires topological order).
 */
export class GraphBuilder {
  private readonly nodes: NodeInit[] = [];
  private readonly initializers: TensorInit[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly defined = new Set<string>();
  private readonly scalarCache = new Map<number, string>();
  private counter = 0;

  constructor(readonly name: string) {}

  /** Returns a fresh value name starting with `prefix`. */
  unique(prefix: string): string {
    let candidate = prefix;
    while (this.defined.has(candidate)) candidate = `${prefix}_${++this.counter}`;
    return candidate;
  }

  addInput(info: ValueInfo): string {
    this.define(info.name);
    this.inputs.push(info);
    return info.name;
  }

  addOutput(info: ValueInfo): void {
    if (!this.defined.has(info.name)) throw new Error(`graph output ${info.name} is never produced`);
    this.outputs.push(info);
  }

  addInitializer(tensor: TensorInit): string {
    this.define(tensor.name);
    this.initializers.push(tensor);
    return tensor.name;
  }

  /** Adds a float32 initializer under a unique name derived from `prefix`. */
  addFloats(prefix: string, dims: readonly number[], values: Float32Array): string {
    return this.addInitializer(floatTensor(this.unique(prefix), dims, values));
  }

  /** Scalar float32 initializer, shared between nodes that use the same value. */
  scalar(value: number): string {
    const cached = this.scalarCache.get(value);
    if (cached !== undefined) return cached;
    const name = this.addFloats(`const_${String(value).replace(/[^0-9a-z]/gi, '_')}`, [], new Float32Array([value]));
    this.scalarCache.set(value, name);
    return name;
  }

  /** Adds a node whose outputs get unique names derived from `outputPrefix`; returns the first output's name. */
  add(opType: string, inputs: readonly string[], outputPrefix: string, attributes?: readonly Attribute[]): string {
    const output = this.unique(outputPrefix);
    this.addNode({ opType, inputs, outputs: [output], name: output, attributes });
    return output;
  }

  addNode(node: NodeInit): void {
    for (const input of node.inputs) {
      // '' marks an omitted optional input.
      if (input !== '' && !this.defined.has(input)) {
        throw new Error(`node ${node.name ?? node.opType} uses ${input} before it is defined`);
      }
    }
    for (const output of node.outputs) this.define(output);
    this.nodes.push(node);
  }

  build(): GraphInit {
    return {
      name: this.name,
      nodes: this.nodes,
      initializers: this.initializers,
      inputs: this.inputs,
      outputs: this.outputs,
    };
  }

  private define(name: string): void {
    if (this.defined.has(name)) throw new Error(`value ${name} is defined twice`);
    this.defined.add(name);
  }
}

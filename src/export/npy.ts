/**
 * NumPy .npy (format 1.0), so features can be trained on elsewhere (np.load, Keras, PyTorch).
 * Little-endian, C order: '<f4' / '<f8' from Float32Array / Float64Array, and '<f2' (float16)
 * from a Uint16Array of half-precision bit patterns (features/float16.ts), the features' own
 * precision on disk. `parseNpy` reads these back (and nothing more exotic).
 */
import { writeFile } from 'node:fs/promises';
import { fromHalf } from '../features/float16.js';

/** Half-precision values as their IEEE 754 bit patterns. */
export type HalfArray = Uint16Array;

const DESCR = { f2: '<f2', f4: '<f4', f8: '<f8' } as const;

function descrOf(data: Float32Array | Float64Array | HalfArray): string {
  if (data instanceof Float64Array) return DESCR.f8;
  return data instanceof Uint16Array ? DESCR.f2 : DESCR.f4;
}

export function npyBytes(data: Float32Array | Float64Array | HalfArray, shape: number[]): Buffer {
  const expected = shape.reduce((a, b) => a * b, 1);
  if (expected !== data.length)
    throw new Error(`npy: shape [${shape.join(', ')}] needs ${expected} values, got ${data.length}`);
  const shapeStr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descrOf(data)}', 'fortran_order': False, 'shape': ${shapeStr}, }`;
  // Magic (6) + version (2) + header length (2) + header + newline, padded to 64 bytes.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head.writeUInt8(1, 6);
  head.writeUInt8(0, 7);
  head.writeUInt16LE(header.length, 8);
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), body]);
}

export async function writeNpy(file: string, data: Float32Array | Float64Array, shape: number[]): Promise<void> {
  await writeFile(file, npyBytes(data, shape));
}

/** An .npy written by `npyBytes` (or numpy: '<f2', '<f4', '<f8', C order), as float32 values. */
export function parseNpy(bytes: Uint8Array): { descr: string; shape: number[]; data: Float32Array } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 10 || buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error('npy: not a .npy file');
  const len = buf.readUInt16LE(8);
  const header = buf.toString('latin1', 10, 10 + len);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined || /'fortran_order':\s*True/.test(header))
    throw new Error(`npy: unsupported header ${header.trim()}`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  const n = shape.reduce((a, b) => a * b, 1);
  const body = buf.subarray(10 + len);
  const width = { '<f2': 2, '<f4': 4, '<f8': 8 }[descr];
  if (!width) throw new Error(`npy: unsupported dtype ${descr}`);
  if (body.length !== n * width) throw new Error(`npy: ${body.length} data bytes for shape [${shape.join(', ')}]`);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++)
    data[i] =
      width === 2
        ? fromHalf(body.readUInt16LE(i * 2))
        : width === 4
          ? body.readFloatLE(i * 4)
          : body.readDoubleLE(i * 8);
  return { descr, shape, data };
}

/**
 * NumPy .npy writer (format 1.0), so features can be trained on elsewhere (np.load, Keras, PyTorch).
 * Little-endian '<f4' / '<f8', C order.
 */
import { writeFile } from 'node:fs/promises';

export function npyBytes(data: Float32Array | Float64Array, shape: number[]): Buffer {
  const expected = shape.reduce((a, b) => a * b, 1);
  if (expected !== data.length)
    throw new Error(`npy: shape [${shape.join(', ')}] needs ${expected} values, got ${data.length}`);
  const descr = data instanceof Float64Array ? '<f8' : '<f4';
  const shapeStr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeStr}, }`;
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

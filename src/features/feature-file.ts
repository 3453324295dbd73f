/**
 * The on-disk feature format (.fwf): a fixed 64-byte header, a JSON metadata block, then one record
 * per sampled frame: [time float64][featureDim × float32|float16]. Records are appended while frames
 * are extracted (memory stays flat for any video length); the frame count in the header is patched at
 * the end, and a file whose count is 0xFFFFFFFF was never finished (a crash mid-extraction).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { FramewiseError } from '../errors.js';
import { toHalf, fromHalf } from './float16.js';

const MAGIC = Buffer.from('FWFEAT\0\0', 'latin1');
const FORMAT_VERSION = 1;
const HEADER_BYTES = 64;
const UNFINISHED = 0xffffffff;

export type FeatureDtype = 'float32' | 'float16';

export interface FeatureFileMeta {
  backboneId: string;
  featureDim: number;
  dtype: FeatureDtype;
  /** Sampling rate the frames were decoded at. */
  fps: number;
  inputWidth: number;
  inputHeight: number;
  videoHash: string;
  videoPath?: string;
  createdAt: string;
}

export interface FeatureFileHeader extends FeatureFileMeta {
  count: number;
}

export interface FeatureData {
  header: FeatureFileHeader;
  /** Presentation time of each frame in seconds. */
  times: Float64Array;
  /** count × featureDim, row-major. */
  features: Float32Array;
}

function bytesPer(dtype: FeatureDtype): number {
  return dtype === 'float16' ? 2 : 4;
}

/** Streams records to a feature file. Call `finish()` to seal it; `abort()` leaves it marked unfinished. */
export class FeatureWriter {
  private count = 0;
  private position: number;
  private constructor(
    private readonly fh: FileHandle,
    private readonly meta: FeatureFileMeta,
    dataStart: number,
  ) {
    this.position = dataStart;
  }

  static async create(file: string, meta: FeatureFileMeta): Promise<FeatureWriter> {
    const metaJson = Buffer.from(JSON.stringify(meta), 'utf8');
    // Pad so records start 8-byte aligned (lets readers view float64 times in place).
    const metaPadded = Math.ceil(metaJson.length / 8) * 8;
    const header = Buffer.alloc(HEADER_BYTES + metaPadded);
    MAGIC.copy(header, 0);
    header.writeUInt32LE(FORMAT_VERSION, 8);
    header.writeUInt32LE(meta.dtype === 'float16' ? 1 : 0, 12);
    header.writeUInt32LE(UNFINISHED, 16);
    header.writeUInt32LE(meta.featureDim, 20);
    header.writeDoubleLE(meta.fps, 24);
    header.writeUInt32LE(metaJson.length, 32);
    metaJson.copy(header, HEADER_BYTES);
    const fh = await open(file, 'w');
    await fh.write(header, 0, header.length, 0);
    return new FeatureWriter(fh, meta, header.length);
  }

  /** Appends `n` frames: times[n], features n × featureDim. */
  async append(times: ArrayLike<number>, features: Float32Array, n: number): Promise<void> {
    const dim = this.meta.featureDim;
    if (features.length < n * dim) {
      throw new FramewiseError('BAD_ARGUMENT', `append: expected ${n}×${dim} features, got ${features.length} values`);
    }
    const recordBytes = 8 + dim * bytesPer(this.meta.dtype);
    const buf = Buffer.alloc(n * recordBytes);
    for (let i = 0; i < n; i++) {
      let o = i * recordBytes;
      buf.writeDoubleLE(times[i]!, o);
      o += 8;
      if (this.meta.dtype === 'float16') {
        for (let j = 0; j < dim; j++, o += 2) buf.writeUInt16LE(toHalf(features[i * dim + j]!), o);
      } else {
        for (let j = 0; j < dim; j++, o += 4) buf.writeFloatLE(features[i * dim + j]!, o);
      }
    }
    await this.fh.write(buf, 0, buf.length, this.position);
    this.position += buf.length;
    this.count += n;
  }

  get frames(): number {
    return this.count;
  }

  async finish(): Promise<number> {
    const c = Buffer.alloc(4);
    c.writeUInt32LE(this.count, 0);
    await this.fh.write(c, 0, 4, 16);
    await this.fh.sync();
    await this.fh.close();
    return this.count;
  }

  async abort(): Promise<void> {
    await this.fh.close().catch(() => undefined);
  }
}

export async function readFeatureHeader(
  file: string,
): Promise<{ header: FeatureFileHeader; dataStart: number; fileSize: number }> {
  const fh = await openForRead(file);
  try {
    const fixed = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await fh.read(fixed, 0, HEADER_BYTES, 0);
    if (bytesRead < HEADER_BYTES || !fixed.subarray(0, 8).equals(MAGIC)) {
      throw new FramewiseError('BAD_FEATURE_FILE', `${file} is not a Framewise feature file.`);
    }
    const version = fixed.readUInt32LE(8);
    if (version !== FORMAT_VERSION) {
      throw new FramewiseError(
        'BAD_FEATURE_FILE',
        `${file} has feature format version ${version}; expected ${FORMAT_VERSION}.`,
      );
    }
    const count = fixed.readUInt32LE(16);
    if (count === UNFINISHED) {
      throw new FramewiseError(
        'BAD_FEATURE_FILE',
        `${file} is incomplete (its extraction did not finish); extract again.`,
      );
    }
    const metaLen = fixed.readUInt32LE(32);
    const metaBuf = Buffer.alloc(metaLen);
    await fh.read(metaBuf, 0, metaLen, HEADER_BYTES);
    let meta: FeatureFileMeta;
    try {
      meta = JSON.parse(metaBuf.toString('utf8')) as FeatureFileMeta;
    } catch {
      throw new FramewiseError('BAD_FEATURE_FILE', `${file} has a corrupt metadata block.`);
    }
    const dataStart = HEADER_BYTES + Math.ceil(metaLen / 8) * 8;
    const { size } = await fh.stat();
    const expected = dataStart + count * (8 + meta.featureDim * bytesPer(meta.dtype));
    if (size !== expected) {
      throw new FramewiseError(
        'BAD_FEATURE_FILE',
        `${file} is truncated or corrupt (${size} bytes, expected ${expected}).`,
      );
    }
    return { header: { ...meta, count }, dataStart, fileSize: size };
  } finally {
    await fh.close();
  }
}

export async function readFeatureFile(file: string): Promise<FeatureData> {
  const { header, dataStart } = await readFeatureHeader(file);
  const dim = header.featureDim;
  const recordBytes = 8 + dim * bytesPer(header.dtype);
  const times = new Float64Array(header.count);
  const features = new Float32Array(header.count * dim);
  const fh = await openForRead(file);
  try {
    // Read in bounded chunks so peak memory is the decoded arrays, not twice the file.
    const perChunk = Math.max(1, Math.floor((4 << 20) / recordBytes));
    const buf = Buffer.alloc(perChunk * recordBytes);
    for (let first = 0; first < header.count; first += perChunk) {
      const n = Math.min(perChunk, header.count - first);
      await fh.read(buf, 0, n * recordBytes, dataStart + first * recordBytes);
      for (let i = 0; i < n; i++) {
        let o = i * recordBytes;
        times[first + i] = buf.readDoubleLE(o);
        o += 8;
        const base = (first + i) * dim;
        if (header.dtype === 'float16') {
          for (let j = 0; j < dim; j++, o += 2) features[base + j] = fromHalf(buf.readUInt16LE(o));
        } else {
          for (let j = 0; j < dim; j++, o += 4) features[base + j] = buf.readFloatLE(o);
        }
      }
    }
  } finally {
    await fh.close();
  }
  return { header, times, features };
}

async function openForRead(file: string): Promise<FileHandle> {
  try {
    return await open(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new FramewiseError('FILE_NOT_FOUND', `Feature file not found: ${file}`);
    throw new FramewiseError('FILE_UNREADABLE', `Cannot read feature file ${file}: ${(e as Error).message}`);
  }
}

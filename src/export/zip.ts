/**
 * A minimal ZIP writer (stored entries, no compression) for exporting a model folder as one file.
 * Model weights are float32 and barely compress, so "stored" costs little and keeps this small
 * enough to own instead of adding a dependency. Readers: every unzip tool, Python's zipfile,
 * Windows Explorer, macOS Archive Utility. The reader takes stored and deflated entries (node:zlib
 * inflates), so a model folder zipped again by any tool imports too.
 */
import { inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  /** Forward slashes, relative, e.g. "model/weights.bin". */
  name: string;
  data: Uint8Array;
  /** Modification time; default now. */
  date?: Date;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** MS-DOS date and time fields (local time, 2-second resolution, years 1980–2107). */
function dosDateTime(d: Date): { date: number; time: number } {
  const year = Math.min(Math.max(d.getFullYear(), 1980), 2107);
  return {
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
  };
}

const MAX_ZIP32 = 0xffffffff;

/** The bytes of a ZIP archive holding `entries` (stored). Throws for names that are unsafe to extract. */
export function zipStore(entries: readonly ZipEntry[]): Uint8Array {
  const enc = new TextEncoder();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  const seen = new Set<string>();
  for (const e of entries) {
    if (!e.name || e.name.startsWith('/') || e.name.split('/').includes('..') || e.name.includes('\\'))
      throw new Error(`Unsafe name for a ZIP entry: "${e.name}"`);
    if (seen.has(e.name)) throw new Error(`Duplicate ZIP entry "${e.name}"`);
    seen.add(e.name);
    if (e.data.length >= MAX_ZIP32) throw new Error(`"${e.name}" is too large for a ZIP32 archive`);
    const name = enc.encode(e.name);
    const crc = crc32(e.data);
    const { date, time } = dosDateTime(e.date ?? new Date());
    // General purpose flag bit 11: names are UTF-8.
    const flags = 0x0800;

    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(6, flags, true);
    local.setUint16(8, 0, true); // stored
    local.setUint16(10, time, true);
    local.setUint16(12, date, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, e.data.length, true);
    local.setUint32(22, e.data.length, true);
    local.setUint16(26, name.length, true);
    local.setUint16(28, 0, true);
    locals.push(new Uint8Array(local.buffer), name, e.data);

    const central = new DataView(new ArrayBuffer(46));
    central.setUint32(0, 0x02014b50, true);
    central.setUint16(4, 20, true);
    central.setUint16(6, 20, true);
    central.setUint16(8, flags, true);
    central.setUint16(10, 0, true);
    central.setUint16(12, time, true);
    central.setUint16(14, date, true);
    central.setUint32(16, crc, true);
    central.setUint32(20, e.data.length, true);
    central.setUint32(24, e.data.length, true);
    central.setUint16(28, name.length, true);
    central.setUint32(42, offset, true);
    centrals.push(new Uint8Array(central.buffer), name);

    offset += 30 + name.length + e.data.length;
    if (offset >= MAX_ZIP32) throw new Error('The archive is too large for ZIP32');
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, centralSize, true);
  end.setUint32(16, offset, true);
  const parts = [...locals, ...centrals, new Uint8Array(end.buffer)];
  const out = new Uint8Array(parts.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The files of a ZIP archive (stored or deflated, as `zipStore` and every zip tool write them),
 * read through its central directory with each CRC checked. Folders are left out. Throws for a
 * file that is no ZIP, a damaged one, and names that would escape the folder it is extracted to.
 */
export function unzipEntries(buf: Uint8Array): ZipEntry[] {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  // The end record is the last 22 bytes plus an archive comment of up to 64 KiB.
  let end = -1;
  for (let at = buf.length - 22; at >= Math.max(0, buf.length - 22 - 0xffff); at--)
    if (view.getUint32(at, true) === 0x06054b50) {
      end = at;
      break;
    }
  if (end < 0) throw new Error('not a ZIP archive (no end of central directory)');
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const dec = new TextDecoder();
  const out: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 46 > buf.length || view.getUint32(at, true) !== 0x02014b50)
      throw new Error('damaged ZIP central directory');
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    const packed = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const nameLen = view.getUint16(at + 28, true);
    const extraLen = view.getUint16(at + 30, true);
    const commentLen = view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    const name = dec.decode(buf.subarray(at + 46, at + 46 + nameLen));
    at += 46 + nameLen + extraLen + commentLen;
    if (name.endsWith('/')) continue;
    if (name.startsWith('/') || name.includes('\\') || name.split('/').includes('..'))
      throw new Error(`unsafe name in the ZIP archive: "${name}"`);
    if (local + 30 > buf.length || view.getUint32(local, true) !== 0x04034b50)
      throw new Error(`damaged ZIP entry "${name}"`);
    const dataAt = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const raw = buf.subarray(dataAt, dataAt + packed);
    if (raw.length !== packed) throw new Error(`ZIP entry "${name}" is truncated`);
    let data: Uint8Array;
    if (method === 0) data = raw;
    else if (method === 8) data = new Uint8Array(inflateRawSync(raw));
    else throw new Error(`ZIP entry "${name}" uses compression method ${method}; only stored and deflate are read`);
    if (data.length !== size || crc32(data) !== crc) throw new Error(`ZIP entry "${name}" is damaged (CRC mismatch)`);
    out.push({ name, data });
  }
  return out;
}

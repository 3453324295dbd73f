/**
 * ZIP archives for exporting a model folder as one file, written by fflate. Entries are stored, not
 * deflated: model weights are float32 and barely compress, and a stored archive is written at copy
 * speed. Readers: every unzip tool, Python's zipfile, Windows Explorer, macOS Archive Utility.
 */
import { crc32 } from 'node:zlib';
import { unzipSync, zipSync, type Zippable } from 'fflate';

export interface ZipEntry {
  /** Forward slashes, relative, e.g. "model/weights.bin". */
  name: string;
  data: Uint8Array;
  /** Modification time; default now. */
  date?: Date;
}

/** ZIP32 without the ZIP64 extension: no entry and no archive may reach 4 GiB. */
const MAX_ZIP32 = 0xffffffff;

/** The bytes of a ZIP archive holding `entries` (stored). Throws for names that are unsafe to extract. */
export function zipStore(entries: readonly ZipEntry[]): Uint8Array {
  const files: Zippable = {};
  let total = 0;
  for (const e of entries) {
    // fflate writes what it is given; a name that climbs out of the extraction folder is refused here.
    if (!e.name || e.name.startsWith('/') || e.name.split('/').includes('..') || e.name.includes('\\'))
      throw new Error(`Unsafe name for a ZIP entry: "${e.name}"`);
    if (Object.hasOwn(files, e.name)) throw new Error(`Duplicate ZIP entry "${e.name}"`);
    if (e.data.length >= MAX_ZIP32) throw new Error(`"${e.name}" is too large for a ZIP32 archive`);
    total += e.data.length;
    if (total >= MAX_ZIP32) throw new Error('The archive is too large for ZIP32');
    files[e.name] = [e.data, { level: 0, mtime: e.date ?? new Date() }];
  }
  return zipSync(files);
}

/**
 * The CRC-32 of each file as the archive's central directory records it. fflate does not check
 * them, and a stored entry has no other guard: a flipped byte in a weights file would load as a
 * slightly wrong model. Null for a ZIP64 archive (fflate reads it; its records are elsewhere).
 */
function centralCrcs(buf: Uint8Array): Map<string, number> | null {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let eocd = -1;
  // The end record is 22 bytes plus a comment of up to 64 KiB.
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--)
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  if (eocd < 0) throw new Error('not a readable ZIP archive (no end of central directory)');
  const count = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  if (count === 0xffff || at === 0xffffffff) return null;
  const names = new TextDecoder();
  const crcs = new Map<string, number>();
  for (let n = 0; n < count; n++) {
    if (at + 46 > buf.length || view.getUint32(at, true) !== 0x02014b50)
      throw new Error('damaged ZIP archive (central directory)');
    const nameLen = view.getUint16(at + 28, true);
    const name = names.decode(buf.subarray(at + 46, at + 46 + nameLen));
    crcs.set(name, view.getUint32(at + 16, true));
    at += 46 + nameLen + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return crcs;
}

/**
 * The files of a ZIP archive (stored or deflated, as `zipStore` and every zip tool write them), read
 * by fflate, each checked against its CRC-32. Folders are left out. Throws for a file that is no
 * ZIP, a damaged one, and names that would escape the folder it is extracted to.
 */
export function unzipEntries(buf: Uint8Array): ZipEntry[] {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(buf);
  } catch (e) {
    throw new Error(`not a readable ZIP archive (${(e as Error).message})`);
  }
  const crcs = centralCrcs(buf);
  const out: ZipEntry[] = [];
  for (const [name, data] of Object.entries(files)) {
    if (name.endsWith('/')) continue;
    if (name.startsWith('/') || name.includes('\\') || name.split('/').includes('..'))
      throw new Error(`unsafe name in the ZIP archive: "${name}"`);
    const expected = crcs?.get(name);
    if (crcs && expected !== crc32(data)) throw new Error(`damaged ZIP archive: "${name}" does not match its checksum`);
    out.push({ name, data });
  }
  return out;
}

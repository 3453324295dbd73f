/**
 * ZIP archives for exporting a model folder as one file, written by fflate. Entries are stored, not
 * deflated: model weights are float32 and barely compress, and a stored archive is written at copy
 * speed. Readers: every unzip tool, Python's zipfile, Windows Explorer, macOS Archive Utility.
 */
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
 * The files of a ZIP archive (stored or deflated, as `zipStore` and every zip tool write them), read
 * by fflate. Folders are left out. Throws for a file that is no ZIP, a damaged one, and names that
 * would escape the folder it is extracted to.
 */
export function unzipEntries(buf: Uint8Array): ZipEntry[] {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(buf);
  } catch (e) {
    throw new Error(`not a readable ZIP archive (${(e as Error).message})`);
  }
  const out: ZipEntry[] = [];
  for (const [name, data] of Object.entries(files)) {
    if (name.endsWith('/')) continue;
    if (name.startsWith('/') || name.includes('\\') || name.split('/').includes('..'))
      throw new Error(`unsafe name in the ZIP archive: "${name}"`);
    out.push({ name, data });
  }
  return out;
}

import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc32 } from 'node:zlib';
import { zipSync } from 'fflate';
import { unzipEntries, zipStore } from '../../src/export/zip.js';

/** Reads a stored-only archive through its central directory, checking every CRC. */
function readZip(buf: Uint8Array): Map<string, Uint8Array> {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const end = buf.length - 22;
  expect(view.getUint32(end, true)).toBe(0x06054b50);
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const out = new Map<string, Uint8Array>();
  for (let i = 0; i < count; i++) {
    expect(view.getUint32(at, true)).toBe(0x02014b50);
    const crc = view.getUint32(at + 16, true);
    const size = view.getUint32(at + 24, true);
    const nameLen = view.getUint16(at + 28, true);
    const local = view.getUint32(at + 42, true);
    const name = new TextDecoder().decode(buf.subarray(at + 46, at + 46 + nameLen));
    expect(view.getUint32(local, true)).toBe(0x04034b50);
    const dataAt = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const data = buf.subarray(dataAt, dataAt + size);
    expect(crc32(data) >>> 0).toBe(crc);
    out.set(name, data);
    at += 46 + nameLen;
  }
  return out;
}

function hasPython(): boolean {
  try {
    execFileSync('python3', ['-c', 'import zipfile'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('zipStore', () => {
  it('round-trips entries (UTF-8 names, empty and binary files)', () => {
    const weights = Uint8Array.from({ length: 5000 }, (_, i) => (i * 37) % 256);
    const zip = zipStore([
      { name: 'model/weights.bin', data: weights },
      { name: 'model/empty.txt', data: new Uint8Array(0) },
      { name: 'model/naïve café.json', data: new TextEncoder().encode('{"a":1}') },
    ]);
    const files = readZip(zip);
    expect([...files.keys()]).toEqual(['model/weights.bin', 'model/empty.txt', 'model/naïve café.json']);
    expect(files.get('model/weights.bin')).toEqual(weights);
    expect(new TextDecoder().decode(files.get('model/naïve café.json'))).toBe('{"a":1}');
  });

  it('refuses names that would escape the extraction folder, and duplicates', () => {
    const data = new Uint8Array(1);
    expect(() => zipStore([{ name: '../evil', data }])).toThrow(/Unsafe/);
    expect(() => zipStore([{ name: '/etc/passwd', data }])).toThrow(/Unsafe/);
    expect(() => zipStore([{ name: 'a\\b', data }])).toThrow(/Unsafe/);
    expect(() =>
      zipStore([
        { name: 'a', data },
        { name: 'a', data },
      ]),
    ).toThrow(/Duplicate/);
  });

  it.skipIf(!hasPython())("Python's zipfile reads it and finds every CRC correct", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-zip-'));
    try {
      const file = join(dir, 'm.zip');
      const data = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 256);
      await writeFile(file, zipStore([{ name: 'm/weights.bin', data, date: new Date(2024, 5, 1, 12, 30, 10) }]));
      const out = execFileSync('python3', [
        '-c',
        'import sys,zipfile;z=zipfile.ZipFile(sys.argv[1]);assert z.testzip() is None;i=z.infolist()[0];print(i.filename,i.file_size,i.date_time)',
        file,
      ]).toString();
      expect(out.trim()).toBe('m/weights.bin 70000 (2024, 6, 1, 12, 30, 10)');
      expect((await readFile(file)).length).toBe(70_000 + 2 * 13 + 30 + 46 + 22);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('unzipEntries', () => {
  const weights = Uint8Array.from({ length: 3000 }, (_, i) => (i * 131) % 256);

  it('reads back what zipStore wrote', () => {
    const entries = unzipEntries(zipStore([{ name: 'm/weights.bin', data: weights }]));
    expect(entries.map((e) => e.name)).toEqual(['m/weights.bin']);
    expect(entries[0]!.data).toEqual(weights);
  });

  it('refuses an archive whose stored bytes no longer match their CRC (one flipped byte)', () => {
    const zip = zipStore([{ name: 'm/weights.bin', data: weights }]);
    const at = 30 + 'm/weights.bin'.length + 1000; // inside the stored data
    zip[at] = zip[at]! ^ 0x01;
    expect(() => unzipEntries(zip)).toThrow(/"m\/weights\.bin" does not match its checksum/);
  });

  it('refuses names that would escape the folder, and what is no ZIP', () => {
    const evil = zipSync({ '../evil.txt': new Uint8Array(1) });
    expect(() => unzipEntries(evil)).toThrow(/unsafe name/);
    expect(() => unzipEntries(new TextEncoder().encode('just text, no archive'))).toThrow(/not a readable ZIP/);
  });

  it.skipIf(!hasPython())("reads a deflated archive written by Python's zipfile", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-zip-'));
    try {
      const file = join(dir, 'py.zip');
      execFileSync('python3', [
        '-c',
        'import sys,zipfile;z=zipfile.ZipFile(sys.argv[1],"w",zipfile.ZIP_DEFLATED);z.writestr("m/model.json","{\\"a\\": 1}"*50);z.writestr("m/dir/","");z.close()',
        file,
      ]);
      const entries = unzipEntries(await readFile(file));
      expect(entries.map((e) => e.name)).toEqual(['m/model.json']);
      expect(new TextDecoder().decode(entries[0]!.data)).toBe('{"a": 1}'.repeat(50));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Reading ffmpeg's raw frames through a named pipe into one reused buffer.
 *
 * Why: Node reads a child's stdout in 64 KB chunks, each a freshly allocated Buffer. At 36 MB per
 * minute of 224² frames that is ~550 allocations whose page faults and garbage collection cost the
 * main thread 0.2–0.3 CPU-s per minute of video — measured here as a quarter of everything the app
 * process does during an extraction, on the cores ffmpeg needs. A socket opened with `onread`
 * reads into a buffer we own instead (0.06 CPU-s for the same bytes). Node cannot create an
 * anonymous pipe, so ffmpeg's stdout is the write end of a FIFO (mkfifo) in a private folder.
 *
 * POSIX only; anywhere this fails (Windows, no mkfifo, a read-only tmp), `createFifoPipe()` returns
 * null and the caller uses the ordinary stdout pipe.
 */
import { execFile } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { processAlive } from '../util/process-alive.js';

export interface FifoPipe {
  /** Our end, non-blocking; read it with `frames()`, which takes ownership. */
  readFd: number;
  /** Hand it to the child as stdout, then close it here (`closeWriteEnd`). */
  writeFd: number;
  closeWriteEnd(): void;
  /** Reads records from the pipe (see readFifo); call once. */
  frames(
    fill: (chunk: Uint8Array) => Iterable<Uint8Array>,
    options?: { maxQueued?: number; signal?: AbortSignal },
  ): AsyncGenerator<Uint8Array, void, undefined>;
  /** Closes what is still open and makes the FIFO available to the next decode. */
  release(): void;
}

const PREFIX = 'framewise-fifo-';
let dir: string | undefined;
let unsupported = process.platform === 'win32' || process.env.FRAMEWISE_NO_FIFO === '1';
const free: string[] = [];
let created = 0;

function fifoDir(): string {
  if (dir) return dir;
  const tmp = os.tmpdir();
  // Folders of our own processes that died without cleaning up (kill -9). Another user's folder, or
  // one we cannot remove, is left alone: it must not cost this process its FIFOs.
  const uid = process.getuid?.();
  for (const name of readdirSync(tmp)) {
    const pid = Number(/^framewise-fifo-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid || processAlive(pid)) continue;
    try {
      const folder = path.join(tmp, name);
      if (uid !== undefined && statSync(folder).uid !== uid) continue;
      rmSync(folder, { recursive: true, force: true });
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
  const made = mkdtempSync(path.join(tmp, `${PREFIX}${process.pid}-`));
  dir = made;
  process.once('exit', () => rmSync(made, { recursive: true, force: true }));
  return made;
}

function mkfifo(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('mkfifo', ['-m', '600', file], (err) => (err ? reject(err) : resolve()));
  });
}

/** Turns FIFO reading off (tests compare both paths) or back on where supported. */
export function setFifoEnabled(on: boolean): void {
  unsupported = !on || process.platform === 'win32';
}

/** A FIFO ready for one decode, or null where FIFOs are not available (then use a normal pipe). */
export async function createFifoPipe(): Promise<FifoPipe | null> {
  if (unsupported) return null;
  let file = free.pop();
  let readFd: number | undefined;
  let writeFd: number | undefined;
  try {
    if (!file) {
      file = path.join(fifoDir(), `${++created}.fifo`);
      await mkfifo(file);
    }
    // Open the read end first without blocking; the write end then opens at once (a reader exists).
    readFd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    writeFd = openSync(file, constants.O_WRONLY);
  } catch {
    if (readFd !== undefined) closeSync(readFd);
    unsupported = true;
    return null;
  }
  const fifo = file;
  let writeOpen = true;
  let readTaken = false;
  let released = false;
  const w = writeFd;
  const r = readFd;
  const closeWriteEnd = (): void => {
    if (!writeOpen) return;
    writeOpen = false;
    closeSync(w);
  };
  return {
    readFd: r,
    writeFd: w,
    closeWriteEnd,
    frames: (fill, options) => {
      if (readTaken) throw new Error('FifoPipe.frames() called twice');
      readTaken = true;
      return readFifo(r, fill, options);
    },
    release: () => {
      if (released) return;
      released = true;
      closeWriteEnd();
      if (!readTaken) closeSync(r);
      // With every descriptor closed the kernel drops anything left in the pipe, so it is clean to reuse.
      free.push(fifo);
    },
  };
}

/**
 * Streams fixed-size records (frames) from the read end of a FIFO, filled by `fill`, which copies
 * each arriving chunk into frames and returns the completed ones. At most `maxQueued` completed
 * records wait for the consumer before reading pauses (backpressure reaches ffmpeg through the
 * full pipe). The socket owns `readFd` and closes it when the generator ends.
 */
export async function* readFifo(
  readFd: number,
  fill: (chunk: Uint8Array) => Iterable<Uint8Array>,
  options: { maxQueued?: number; signal?: AbortSignal } = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  const maxQueued = options.maxQueued ?? 2;
  const queue: Uint8Array[] = [];
  let paused = false;
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const fail = (e: unknown): void => {
    failure ??= e instanceof Error ? e : new Error(String(e));
    ended = true;
    notify();
  };
  const buffer = Buffer.allocUnsafe(256 * 1024);
  let socket: net.Socket;
  try {
    socket = new net.Socket({
      fd: readFd,
      readable: true,
      writable: false,
      onread: { buffer, callback: (n: number, buf: Uint8Array): boolean => onChunk(n, buf) },
    } as net.SocketConstructorOpts);
  } catch (e) {
    closeSync(readFd);
    throw e;
  }
  const onChunk = (n: number, buf: Uint8Array): boolean => {
    try {
      for (const record of fill(buf.subarray(0, n))) queue.push(record);
    } catch (e) {
      // Thrown inside a socket callback it would crash the process; end the stream with it instead.
      fail(e);
      socket.destroy();
      return false;
    }
    notify();
    // Enough waiting: stop reading (net.Socket.pause stops the handle for onread sockets).
    // An explicit pause rather than returning false, so that resume() below starts it again.
    if (queue.length >= maxQueued && !paused) {
      paused = true;
      socket.pause();
    }
    return true;
  };
  const resume = (): void => {
    paused = false;
    socket.resume();
  };
  socket.on('end', () => {
    ended = true;
    notify();
  });
  socket.on('close', () => {
    ended = true;
    notify();
  });
  socket.on('error', fail);
  // An abort closes our end at once: ffmpeg, perhaps blocked writing to the full pipe, gets EPIPE.
  const onAbort = (): void => {
    socket.destroy();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  try {
    for (;;) {
      const next = queue.shift();
      if (next) {
        if (paused && queue.length < maxQueued) resume();
        yield next;
        continue;
      }
      if (failure) throw failure;
      if (ended) return;
      if (paused) resume();
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    socket.destroy();
  }
}

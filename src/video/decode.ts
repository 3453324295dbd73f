import type { Readable } from 'node:stream';
import { FramewiseError } from '../errors.js';
import { planDecode, type DecodePlan } from './decode-plan.js';
import { getFfmpegPaths } from './ffmpeg-path.js';
import { FrameAssembler } from './frame-assembler.js';
import type { FramePool } from './frame-pool.js';
import { probe } from './probe.js';
import { abortedError, fileArg, lastStderrLines, startProcess, type StreamingProcess } from './process.js';
import { createFifoPipe } from './fifo.js';
import type { DecodeOptions, Frame } from './types.js';

export { countFrames } from './decode-plan.js';

/** Decodes shorter than this read ffmpeg's stdout directly (a FIFO costs a file and, at first, a mkfifo). */
const FIFO_MIN_FRAMES = 32;

/**
 * Streams RGB frames (HxWx3, row-major) sampled at `start + i/fps` from `file`.
 *
 * Memory stays flat: ffmpeg writes into a pipe that is only read while the consumer asks for the
 * next frame, so a slow consumer pauses ffmpeg instead of buffering the video. Each `Frame.data` is
 * a new array the consumer may keep. Leaving the loop early (break/return/throw) or aborting the
 * signal stops ffmpeg before the generator finishes; an abort surfaces as FramewiseError('ABORTED').
 *
 * Damaged data inside an otherwise readable file is concealed by ffmpeg's decoders (the frames
 * come out with artefacts, not as an error); a file that ends early yields fewer frames than
 * `countFrames()` predicted. Only ffmpeg failing outright is DECODE_FAILED.
 */
export async function* decodeFrames(file: string, options: DecodeOptions = {}): AsyncGenerator<Frame, void, undefined> {
  const { signal } = options;
  const purpose = `decoding "${file}"`;
  if (signal?.aborted) throw abortedError(purpose, signal.reason);
  const info = options.info ?? (await probe(file, { signal }));
  const target = { ...info, path: file };
  const plan = planDecode(target, options);
  if (plan.frameCount === 0) return;

  const pool = options.framePool?.frameBytes === plan.width * plan.height * 3 ? options.framePool : undefined;
  const produced = yield* runDecode(file, plan, signal, pool);
  if (produced === 0 && plan.seeks) {
    // A seek that lands where nothing decodes (an index pointing mid-GOP, say) ends cleanly with no
    // frames. Nothing was handed out yet, so reading from the start instead is invisible to the consumer.
    yield* runDecode(file, planDecode(target, options, { seek: false }), signal, pool);
  }
}

/** One ffmpeg run for `plan`; returns how many frames it yielded. */
async function* runDecode(
  file: string,
  plan: DecodePlan,
  signal: AbortSignal | undefined,
  pool: FramePool | undefined,
): AsyncGenerator<Frame, number, undefined> {
  const purpose = `decoding "${file}"`;
  const { ffmpeg } = getFfmpegPaths();
  const args = [...plan.args, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
  const { width, height } = plan;
  const assembler = new FrameAssembler(width * height * 3, pool ? () => pool.take() : undefined);
  // Long decodes read through a FIFO into one reused buffer (see fifo.ts); short ones (a thumbnail)
  // are not worth the extra file.
  const fifo = plan.frameCount >= FIFO_MIN_FRAMES ? await createFifoPipe() : null;
  let proc: StreamingProcess;
  try {
    proc = startProcess(ffmpeg, args, { signal, purpose, stdoutFd: fifo?.writeFd });
  } catch (e) {
    fifo?.release();
    throw e;
  }
  // ffmpeg has its own copy of the write end; ours must go, or the reader never sees the end.
  fifo?.closeWriteEnd();
  const records: AsyncIterable<Uint8Array> = fifo
    ? fifo.frames((chunk) => assembler.push(chunk), { signal })
    : (async function* () {
        // Async iteration reads only on demand: while this generator is suspended at `yield`, the
        // stream stops reading and ffmpeg blocks on the full pipe (backpressure).
        for await (const chunk of proc.stdout as Readable & AsyncIterable<Buffer>) yield* assembler.push(chunk);
      })();
  let index = 0;
  let finished = false;

  try {
    try {
      for await (const data of records) {
        // One chunk can hold several small frames; don't hand out more once cancelled.
        if (signal?.aborted) throw abortedError(purpose, signal.reason);
        yield { index, timeSec: plan.start + index / plan.fps, width, height, data };
        index++;
      }
    } catch (err) {
      // An abort destroys stdout under the iterator ("premature close"); report the abort instead.
      if (!signal?.aborted) {
        throw new FramewiseError('DECODE_FAILED', `Reading frames of "${file}" failed: ${String(err)}`, { cause: err });
      }
    }
    const exit = await proc.exited;
    if (exit.aborted || signal?.aborted) throw abortedError(purpose, signal?.reason);
    if (exit.code !== 0) {
      const reason = lastStderrLines(exit.stderrTail, fileArg(file), 3) || describeExit(exit.code, exit.signal);
      throw new FramewiseError('DECODE_FAILED', `Could not decode "${file}": ${reason}`, {
        details: { stderr: exit.stderrTail, code: exit.code, framesDecoded: index },
      });
    }
    if (assembler.pendingBytes !== 0) {
      throw new FramewiseError('DECODE_FAILED', `ffmpeg stopped in the middle of a frame of "${file}".`);
    }
    finished = true;
    return index;
  } finally {
    // Early exit by the consumer, an abort or an error: make sure ffmpeg is gone before we return.
    if (!finished) await proc.stop().catch(() => undefined);
    fifo?.release();
  }
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal !== null ? `ffmpeg was killed by ${signal}` : `ffmpeg exited with code ${String(code)}`;
}

/**
 * The media time of the frame on screen, where the browser reports it (requestVideoFrameCallback):
 * currentTime can sit between frames or run ahead of the picture, so frame steps count from the
 * frame the person sees. Without the API nothing is reported and currentTime is used.
 */
type FrameCallback = (now: number, meta: { mediaTime: number }) => void;
type FrameVideo = HTMLVideoElement & {
  requestVideoFrameCallback?: (cb: FrameCallback) => number;
  cancelVideoFrameCallback?: (id: number) => void;
};

/** Calls `onFrame(mediaTime)` for each presented frame; returns the stop function. */
export function watchShownFrame(video: HTMLVideoElement, onFrame: (mediaTime: number) => void): () => void {
  const v = video as FrameVideo;
  const request = v.requestVideoFrameCallback?.bind(v);
  if (!request) return () => undefined;
  let live = true;
  let id = 0;
  const tick: FrameCallback = (_, meta) => {
    if (!live) return;
    onFrame(meta.mediaTime);
    id = request(tick);
  };
  id = request(tick);
  return () => {
    live = false;
    v.cancelVideoFrameCallback?.(id);
  };
}

/**
 * The time frame steps start from: paused, the frame on screen, unless a step is not presented yet
 * (steps land a tenth into a frame, so an unshown one is ≥ 1.1 frames away), else quick presses
 * would repeat the same step. A frame shown a whole frame before currentTime is a decoder rounding.
 */
export function stepBase(currentTime: number, shown: number | null, paused: boolean, fps: number): number {
  const frame = 1 / (fps > 0 ? fps : 30);
  return paused && shown !== null && Math.abs(shown - currentTime) < 1.05 * frame ? shown : currentTime;
}

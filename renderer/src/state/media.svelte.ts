/** The player and the pictures of videos: playhead, thumbnails and filmstrips, loaded politely. */
import type { ProjectVideo } from '../../../src/store/schema.js';
import type { Client } from '../api-client.js';

export interface FilmstripFrame {
  time: number;
  src: string;
}

export class MediaState {
  /** The <video> element of the player (the segment editor reads its current time). */
  player = $state.raw<HTMLVideoElement | null>(null);
  /** Playback position of the player, for the timeline's playhead. */
  currentTime = $state(0);
  /** The span the player loops (the selected segment), or null. */
  loop = $state<{ start: number; end: number } | null>(null);
  /** videoId → data: URL, or '' while loading / when it failed. */
  thumbs = $state<Record<string, string>>({});
  /** videoId → the timeline's filmstrip (empty while loading or when it failed). */
  filmstrips = $state<Record<string, FilmstripFrame[]>>({});
  /**
   * videoId → when each frame is shown, for a variable frame rate (null: constant, 1/fps steps are
   * exact, or not known yet). Plain data, never edited: raw state.
   */
  frameTimes = $state.raw<Record<string, readonly number[] | null>>({});

  private filmstripWanted: string | null = null;
  private filmstripBusy = false;
  /**
   * Thumbnails load two at a time: a browser opens at most six connections to the server, and a
   * library of many videos must not hold them all while a save or an event waits behind.
   */
  private thumbQueue: (() => Promise<void>)[] = [];
  private thumbsRunning = 0;

  constructor(
    private readonly client: Client,
    private readonly videos: () => readonly ProjectVideo[],
  ) {}

  /**
   * Another project was opened: its videos' pictures replace these, and the thumbnails still
   * queued for the old videos are dropped (the server would answer 404 for each).
   */
  reset(): void {
    this.thumbQueue = [];
    this.thumbs = {};
    this.filmstrips = {};
    this.frameTimes = {};
    this.filmstripWanted = null;
    this.loop = null;
  }

  /** Asks once per video when its frames are shown; without an answer, steps stay 1/fps. */
  loadFrameTimes(videoId: string): void {
    if (videoId in this.frameTimes) return;
    this.frameTimes = { ...this.frameTimes, [videoId]: null };
    this.client.call('video.frameTimes', { videoId }).then(
      (r) => (this.frameTimes = { ...this.frameTimes, [videoId]: r.times }),
      () => undefined,
    );
  }

  /** Moves the player (when one is showing) and the timeline's playhead to `t` seconds. */
  seek(t: number): void {
    if (this.player) this.player.currentTime = t;
    this.currentTime = t;
  }

  /** Loads a thumbnail once per video; a failure leaves the placeholder (no toast per video). */
  loadThumb(v: ProjectVideo): void {
    if (v.id in this.thumbs) return;
    this.thumbs[v.id] = '';
    const timeSec = Math.min(1, (v.durationSec ?? 0) / 2);
    this.thumbQueue.push(async () => {
      try {
        const t = await this.client.call('video.thumbnail', { videoId: v.id, timeSec, width: 160 });
        this.thumbs[v.id] = `data:${t.mime};base64,${t.base64}`;
      } catch {
        // The placeholder stays.
      }
    });
    this.pumpThumbs();
  }

  /**
   * Loads a video's filmstrip once. Only the latest request waits: clicking through the library
   * must not queue a filmstrip per video passed on the way (each is a few ffmpeg runs).
   */
  loadFilmstrip(videoId: string): void {
    if (videoId in this.filmstrips) return;
    this.filmstripWanted = videoId;
    if (this.filmstripBusy) return;
    this.filmstripBusy = true;
    void (async () => {
      while (this.filmstripWanted && !(this.filmstripWanted in this.filmstrips)) {
        const id = this.filmstripWanted;
        const v = this.videos().find((x) => x.id === id);
        if (!v || !(v.durationSec && v.durationSec > 0)) {
          this.filmstrips[id] = [];
          continue;
        }
        try {
          const f = await this.client.call('video.filmstrip', { videoId: id, count: 10, width: 96 });
          // Each image stands for the span that starts where the previous one's ends.
          const step = v.durationSec / Math.max(1, f.images.length);
          this.filmstrips[id] = f.images.map((b64, i) => ({ time: i * step, src: `data:${f.mime};base64,${b64}` }));
        } catch {
          this.filmstrips[id] = [];
        }
      }
      this.filmstripBusy = false;
    })();
  }

  private pumpThumbs(): void {
    while (this.thumbsRunning < 2 && this.thumbQueue.length > 0) {
      const task = this.thumbQueue.shift()!;
      this.thumbsRunning++;
      void task().finally(() => {
        this.thumbsRunning--;
        this.pumpThumbs();
      });
    }
  }
}

/**
 * Filmstrip pictures at the zoom level: the overview strip has ten pictures for the whole video,
 * which at frame zoom is one picture stretched over the screen. This loads a picture per tile
 * of the visible window (lib/timeline/virtual.ts picks the times), politely: only the latest
 * window is wanted (a scroll or zoom drops what the previous one still waited for), two loads at a
 * time, and a bounded cache, so an hour scrolled end to end does not keep thousands of pictures.
 */
import { SvelteMap } from 'svelte/reactivity';

export type LoadPicture = (videoId: string, timeSec: number) => Promise<string>;

const CACHE_MAX = 400;
const PARALLEL = 2;

export class FilmDetail {
  private readonly pictures = new SvelteMap<string, string>();
  private wanted: { videoId: string; times: number[] } | null = null;
  private running = 0;
  // Only read when choosing what to load, never rendered: a plain Set.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly failed = new Set<string>();

  constructor(private readonly load: LoadPicture) {}

  /** The picture at `t` when loaded. */
  at(videoId: string, t: number): string | undefined {
    return this.pictures.get(key(videoId, t));
  }

  /** These times of this video are on screen now; the ones not loaded yet are fetched. */
  want(videoId: string, times: number[]): void {
    const todo = times.filter((t) => !this.pictures.has(key(videoId, t)) && !this.failed.has(key(videoId, t)));
    this.wanted = { videoId, times: todo };
    this.pump();
  }

  clear(): void {
    this.wanted = null;
    this.pictures.clear();
    this.failed.clear();
  }

  private pump(): void {
    while (this.running < PARALLEL && this.wanted && this.wanted.times.length > 0) {
      const { videoId } = this.wanted;
      const t = this.wanted.times.shift()!;
      const k = key(videoId, t);
      if (this.pictures.has(k)) continue;
      this.running++;
      void this.load(videoId, t)
        .then((src) => this.store(k, src))
        .catch(() => this.failed.add(k))
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
  }

  private store(k: string, src: string): void {
    if (this.pictures.size >= CACHE_MAX) {
      // Map order is insertion order: the oldest picture goes first.
      const oldest = this.pictures.keys().next().value;
      if (oldest !== undefined) this.pictures.delete(oldest);
    }
    this.pictures.set(k, src);
  }
}

function key(videoId: string, t: number): string {
  return `${videoId}@${t.toFixed(3)}`;
}

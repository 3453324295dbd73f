/**
 * Server-Sent Events: the core pushes job progress and project changes to every open page.
 * One-way push over plain HTTP is all the UI needs, EventSource reconnects by itself, and the token
 * can travel in the URL, which WebSocket would need a library or a hand-written framing for.
 */
import type { ServerResponse } from 'node:http';
import type { ApiEvent } from '../services/contract.js';

export class EventHub {
  private readonly clients = new Set<ServerResponse>();
  private readonly timer: NodeJS.Timeout;

  /** `heartbeatMs`: comment lines keep idle proxies and the browser from timing the stream out. */
  constructor(heartbeatMs = 15_000) {
    this.timer = setInterval(() => this.write(': heartbeat\n\n'), heartbeatMs);
    this.timer.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  add(res: ServerResponse, extraHeaders: Record<string, string>): void {
    res.writeHead(200, {
      ...extraHeaders,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-store, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    // retry: how long EventSource waits before reconnecting after the server went away.
    res.write('retry: 2000\n: connected\n\n');
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  broadcast(e: ApiEvent): void {
    // JSON never contains a raw newline, so one data: line is always a whole event.
    this.write(`data: ${JSON.stringify(e)}\n\n`);
  }

  close(): void {
    clearInterval(this.timer);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private write(chunk: string): void {
    for (const res of this.clients) {
      if (!res.writableEnded) res.write(chunk);
    }
  }
}

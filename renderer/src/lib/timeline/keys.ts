/**
 * What a key press does on the focused timeline, from the shortcut registry and what is selected.
 * Pure, so which key does what in which state is tested without a browser.
 */
import type { SegmentEdge } from './edits.js';
import { matchShortcut, type KeyPress } from '../shortcuts.js';

export interface TimelineKeyContext {
  dragging: boolean;
  /** A segment is selected (user or prediction). */
  selected: 'user' | 'prediction' | null;
  /** Seconds per frame (0.1 when the rate is unknown). */
  frame: number;
}

export type TimelineCommand =
  | { type: 'cancel-drag' }
  | { type: 'deselect' }
  | { type: 'delete' }
  | { type: 'nudge'; frames: number; edge?: SegmentEdge }
  | { type: 'seek-by'; seconds: number }
  | { type: 'seek-to'; where: 'start' | 'end' }
  | { type: 'accept' }
  | { type: 'reject' }
  | { type: 'split' }
  | { type: 'zoom'; way: 'in' | 'out' | 'fit' };

/** The command for a key press, or null when the timeline leaves the key alone (it then bubbles). */
export function timelineCommand(e: KeyPress, ctx: TimelineKeyContext): TimelineCommand | null {
  const id = matchShortcut(e, 'timeline');
  const sel = ctx.selected;
  switch (id) {
    case 'timeline.escape':
      return ctx.dragging ? { type: 'cancel-drag' } : sel ? { type: 'deselect' } : null;
    case 'timeline.delete':
      return sel ? { type: 'delete' } : null;
    case 'timeline.nudge-back':
    case 'timeline.nudge-forward':
      return sel ? { type: 'nudge', frames: id.endsWith('back') ? -1 : 1 } : null;
    case 'timeline.end-back':
    case 'timeline.end-forward':
      return sel ? { type: 'nudge', frames: id.endsWith('back') ? -1 : 1, edge: 'end' } : null;
    case 'timeline.start-back':
    case 'timeline.start-forward':
      return sel ? { type: 'nudge', frames: id.endsWith('back') ? -1 : 1, edge: 'start' } : null;
    case 'timeline.frame-back':
      return { type: 'seek-by', seconds: -ctx.frame };
    case 'timeline.frame-forward':
      return { type: 'seek-by', seconds: ctx.frame };
    case 'timeline.second-back':
      return { type: 'seek-by', seconds: -1 };
    case 'timeline.second-forward':
      return { type: 'seek-by', seconds: 1 };
    case 'timeline.start':
      return { type: 'seek-to', where: 'start' };
    case 'timeline.end':
      return { type: 'seek-to', where: 'end' };
    case 'timeline.accept':
      return sel === 'prediction' ? { type: 'accept' } : null;
    case 'timeline.reject':
      return sel === 'prediction' ? { type: 'reject' } : null;
    case 'timeline.split':
      return sel ? { type: 'split' } : null;
    case 'timeline.zoom-in':
      return { type: 'zoom', way: 'in' };
    case 'timeline.zoom-out':
      return { type: 'zoom', way: 'out' };
    case 'timeline.fit':
      return { type: 'zoom', way: 'fit' };
    default:
      return null;
  }
}

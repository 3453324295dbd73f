/** How the lanes draw and report segments; one object the shell hands to every lane. */
import type { Segment } from '../../../../src/store/schema.js';

export interface SegmentView {
  selectedId: string | null;
  label: (s: Segment) => string;
  text: (s: Segment) => string;
  color: (s: Segment) => string;
  onpointerdown: (e: PointerEvent, s: Segment) => void;
  onselect: (id: string) => void;
  onfocus: (s: Segment) => void;
}

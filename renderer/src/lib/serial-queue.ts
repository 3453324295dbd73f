/**
 * Runs async work one piece after another, in the order it was handed in. The app's undoable
 * edits share one: an undo pressed while an edit's save is still on its way must wait for that
 * edit and then undo it, not decide from the history as it was before the edit.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Starts `work` once everything handed in before has settled; a failure does not stop the queue. */
  run<T>(work: () => Promise<T> | T): Promise<T> {
    const next = this.tail.then(work, work);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

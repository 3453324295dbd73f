/** Toasts and the busy label: how every slice tells the person what happened. */
import { toApiCallError } from '../errors.js';

export interface Toast {
  id: number;
  kind: 'error' | 'info';
  message: string;
}

const INFO_TOAST_MS = 5000;

export class Notices {
  toasts = $state<Toast[]>([]);
  /** Label of the action in progress ("Opening project…"), disables the forms meanwhile. */
  busy = $state<string | null>(null);
  private nextToast = 1;

  /**
   * Runs a user action: shows `label` while it runs, turns any failure into a readable toast, and
   * never lets an error escape to leave the UI half-updated.
   */
  async run<T>(label: string, action: () => Promise<T>): Promise<T | undefined> {
    this.busy = label;
    try {
      return await action();
    } catch (e) {
      this.showError(e);
      return undefined;
    } finally {
      this.busy = null;
    }
  }

  /** Like `run` without the busy label: background loads whose failure is still worth a toast. */
  async attempt(action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (e) {
      this.showError(e);
    }
  }

  showError(e: unknown): void {
    this.toast('error', toApiCallError(e).message);
  }

  toast(kind: Toast['kind'], message: string): void {
    const id = this.nextToast++;
    this.toasts.push({ id, kind, message });
    // Errors stay until dismissed: a person may need time to read a path in them.
    if (kind === 'info') setTimeout(() => this.dismiss(id), INFO_TOAST_MS);
  }

  dismiss(id: number): void {
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }
}

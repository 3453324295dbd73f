/** The link to the core: system info (backbones, feature backend) and whether events arrive. */
import type { SystemInfo } from '../../../src/services/contract.js';
import type { Client } from '../api-client.js';
import { toApiCallError } from '../errors.js';

export class ConnectionState {
  info = $state<SystemInfo | null>(null);
  infoError = $state<string | null>(null);
  connected = $state(true);
  /** False until the first state load finished (avoids flashing the "no project" form). */
  loaded = $state(false);

  constructor(private readonly client: Client) {}

  /**
   * Follows the event stream's health; `reconnected` runs when it comes back after a drop, since
   * events sent while it was down are lost and the state must be re-read.
   */
  watch(reconnected: () => void): () => void {
    let wasDown = false;
    return this.client.onConnection((up) => {
      this.connected = up;
      if (up && wasDown) reconnected();
      wasDown = !up;
    });
  }

  async loadInfo(): Promise<void> {
    try {
      this.info = await this.client.call('system.info', {});
      this.infoError = null;
    } catch (e) {
      this.infoError = toApiCallError(e).message;
    }
  }

  setFeatureBackend(
    featureBackend: SystemInfo['featureBackend'],
    featureFallback: SystemInfo['featureFallback'],
  ): void {
    if (!this.info) return;
    this.info.featureBackend = featureBackend;
    this.info.featureFallback = featureFallback;
  }
}

/** What every command and provider gets from activation: the UI (swappable in tests), the key store, the log and the
 * memory of each deployment's output-token parameter. */
import type { ExtensionLog } from './log';
import type { KeyStore } from './secrets';
import type { GlobalStateTokenMemory } from './tokenMemory';
import type { UiHolder } from './ui';

export interface DescribeDeps {
  readonly ui: UiHolder;
  readonly keys: KeyStore;
  readonly log: ExtensionLog;
  readonly tokenMemory: GlobalStateTokenMemory;
}

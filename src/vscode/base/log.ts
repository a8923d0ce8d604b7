/**
 * The extension's log: one LogOutputChannel (the user picks the level with "Developer: Set Log Level…"), exposed to
 * the core as a Logger whose every line has the current API key removed.
 */
import * as vscode from 'vscode';
import { redact } from '../../core/base';
import type { Logger } from '../../core/base';

export class ExtensionLog implements Logger, vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  /** The keys in the key store, every provider's: replaced as a whole whenever one changes. */
  private storedKeys: string[] = [];
  /** Secrets in use this session (a key read or entered, an Entra ID token): kept whatever the store says later. */
  private readonly inUse = new Set<string>();
  /** The last lines written (already redacted), kept for the integration tests' key-leak check. */
  readonly recent: string[] = [];

  constructor(name: string) {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  /** Every key the key store holds (all providers'): the key store's refresh calls this whenever a key changes. */
  setStoredKeys(keys: readonly (string | undefined)[]): void {
    this.storedKeys = keys.filter((s): s is string => !!s);
  }

  /**
   * A secret in use (a key about to be sent, a token fetched): removed from every line from now on. It adds to the
   * list, never replaces it — another provider's key stays removed too. The most recent 50 are kept.
   */
  addSecret(secret: string | undefined): void {
    if (!secret) return;
    this.inUse.delete(secret);
    this.inUse.add(secret);
    if (this.inUse.size > 50) this.inUse.delete(this.inUse.values().next().value as string);
  }

  /** Every secret removed from the log (for fronts that redact text of their own as it streams). */
  get knownSecrets(): readonly string[] {
    return [...this.storedKeys, ...this.inUse];
  }

  redact(text: string): string {
    return redact(text, this.knownSecrets);
  }

  trace(message: string): void {
    this.channel.trace(this.remember(message));
  }
  debug(message: string): void {
    this.channel.debug(this.remember(message));
  }
  info(message: string): void {
    this.channel.info(this.remember(message));
  }
  warn(message: string): void {
    this.channel.warn(this.remember(message));
  }
  error(message: string): void {
    this.channel.error(this.remember(message));
  }

  private remember(message: string): string {
    const line = this.redact(message);
    this.recent.push(line);
    if (this.recent.length > 1000) this.recent.splice(0, this.recent.length - 1000);
    return line;
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}

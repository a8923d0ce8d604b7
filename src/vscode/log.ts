/**
 * The extension's log: one LogOutputChannel (the user picks the level with "Developer: Set Log Level…"), exposed to
 * the core as a Logger whose every line has the current API key removed.
 */
import * as vscode from 'vscode';
import { redact } from '../core/errors';
import type { Logger } from '../core/log';

export class ExtensionLog implements Logger, vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  private secrets: string[] = [];
  /** The last lines written (already redacted), kept for the integration tests' key-leak check. */
  readonly recent: string[] = [];

  constructor(name: string) {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  /** Secrets to remove from every line (the key store calls this whenever the key changes). */
  setSecrets(secrets: readonly (string | undefined)[]): void {
    this.secrets = secrets.filter((s): s is string => !!s);
  }

  /** One more secret to remove (a token fetched during the session); the key's are set by setSecrets. */
  addSecret(secret: string | undefined): void {
    if (secret && !this.tokens.includes(secret)) this.tokens.push(secret);
    if (this.tokens.length > 20) this.tokens.shift();
  }

  private readonly tokens: string[] = [];

  /** Every secret removed from the log (for fronts that redact text of their own as it streams). */
  get knownSecrets(): readonly string[] {
    return [...this.secrets, ...this.tokens];
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

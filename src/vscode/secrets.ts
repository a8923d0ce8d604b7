/**
 * The API key, kept only in VS Code's SecretStorage (the OS keychain on desktop). One small store: get, set, clear,
 * and an event when it changes (also when another window changed it).
 */
import * as vscode from 'vscode';

const KEY_NAME = 'describeImage.apiKey';

export class KeyStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange((e) => {
      if (e.key === KEY_NAME) this.changed.fire();
    });
  }

  async get(): Promise<string | undefined> {
    const key = await this.secrets.get(KEY_NAME);
    return key?.trim() || undefined;
  }

  async set(key: string): Promise<void> {
    await this.secrets.store(KEY_NAME, key.trim());
  }

  async clear(): Promise<void> {
    await this.secrets.delete(KEY_NAME);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/**
 * The keys, kept only in VS Code's SecretStorage (the OS keychain on desktop): one per provider (the Azure resource's,
 * the OpenAI-compatible server's). One small store: get, set, clear (of the current provider unless told), and an
 * event when any changes (also when another window changed it).
 */
import * as vscode from 'vscode';
import { readProviderSettings } from './settings';

export type KeyOwner = 'azure' | 'openai';
const KEY_NAMES: Readonly<Record<KeyOwner, string>> = { azure: 'describeImage.apiKey', openai: 'describeImage.openai.apiKey' };

/** Whose key the commands set and clear: the OpenAI-compatible server's when it is the provider, else Azure's. */
export function currentKeyOwner(): KeyOwner {
  return readProviderSettings().provider === 'openai' ? 'openai' : 'azure';
}

export class KeyStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;
  /** Every key, read once and shared by its readers (the log's redaction, the walkthrough's context keys) until one changes. */
  private allKeys: Promise<string[]> | undefined;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange((e) => {
      if (!Object.values(KEY_NAMES).includes(e.key)) return;
      this.allKeys = undefined;
      this.changed.fire();
    });
  }

  async get(owner: KeyOwner = currentKeyOwner()): Promise<string | undefined> {
    const key = await this.secrets.get(KEY_NAMES[owner]);
    return key?.trim() || undefined;
  }

  async set(key: string, owner: KeyOwner = currentKeyOwner()): Promise<void> {
    this.allKeys = undefined;
    await this.secrets.store(KEY_NAMES[owner], key.trim());
  }

  async clear(owner: KeyOwner = currentKeyOwner()): Promise<void> {
    this.allKeys = undefined;
    await this.secrets.delete(KEY_NAMES[owner]);
  }

  /** Every key there is (for removing them from the log). */
  all(): Promise<string[]> {
    this.allKeys ??= Promise.all((Object.keys(KEY_NAMES) as KeyOwner[]).map((o) => this.get(o))).then(
      (keys) => keys.filter((k): k is string => !!k),
      (e: unknown) => {
        this.allKeys = undefined; // a failed read is not kept: the next reader tries again
        throw e;
      },
    );
    return this.allKeys;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

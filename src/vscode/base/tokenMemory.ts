/** Remembers, across sessions, which output-token parameter each deployment takes (globalState). */
import type * as vscode from 'vscode';
import type { TokenParamMemory } from '../../core/net';
import type { TokenParam } from '../../core/net';

const PREFIX = 'tokenParam:';

export class GlobalStateTokenMemory implements TokenParamMemory {
  constructor(private readonly state: vscode.Memento) {}
  get(key: string): TokenParam | undefined {
    const v = this.state.get<string>(PREFIX + key);
    return v === 'max_tokens' || v === 'max_completion_tokens' ? v : undefined;
  }
  set(key: string, param: TokenParam): void {
    void this.state.update(PREFIX + key, param);
  }
}

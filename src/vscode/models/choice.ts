/**
 * What is chosen, read from the settings and never throwing: whether the first describe still has to ask where images
 * go, and the choice in words for the status bar and the paste panel.
 */
import * as vscode from 'vscode';
import { DescribeError, isOnThisMachine, parseBaseUrl, resolveSettings } from '../../core/base';
import { isConfigured, readProviderSettings, readSettings } from '../base';

/** Nothing chosen yet: no provider set by the user, and no Azure endpoint either. */
export function needsFirstChoice(): boolean {
  const inspected = vscode.workspace.getConfiguration('describeImage').inspect<string>('provider');
  const chosen = inspected?.globalValue ?? inspected?.workspaceValue ?? inspected?.workspaceFolderValue;
  return chosen === undefined && !isConfigured({ ...readSettings().raw, provider: 'azure' });
}

/** Settings for showing what is chosen (the paste panel, the status bar): never throws. */
export function describeChoice(): { label: string; where: string; local: boolean; unset?: boolean } {
  const p = readProviderSettings();
  if (needsFirstChoice()) return { label: vscode.l10n.t('none chosen yet'), where: '', local: true, unset: true };
  try {
    if (p.provider === 'offline') return { label: vscode.l10n.t('Text on this machine'), where: vscode.l10n.t('this machine (nothing is sent)'), local: true };
    if (p.provider === 'vscode') return { label: p.vscodeModel || vscode.l10n.t('(no model chosen)'), where: vscode.l10n.t('through VS Code'), local: false };
    if (p.provider === 'openai') {
      const base = parseBaseUrl(p.baseUrl);
      const local = isOnThisMachine(base);
      return { label: p.openAiModel || vscode.l10n.t('(no model chosen)'), where: local ? vscode.l10n.t('this machine ({0})', new URL(base).host) : new URL(base).host, local };
    }
    const s = resolveSettings(readSettings().raw);
    return { label: s.deployment, where: new URL(s.endpoint).host, local: isOnThisMachine(s.endpoint) };
  } catch (e) {
    return { label: vscode.l10n.t('not set up'), where: e instanceof DescribeError ? e.message : '', local: false };
  }
}

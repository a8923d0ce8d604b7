/** Which images a command acts on: what the menu passed (one or many), the active image preview, or a file picker. */
import * as vscode from 'vscode';
import type { DescribeDeps } from './deps';
import { hasImageExtension, IMAGE_FILE_EXTENSIONS, MAX_IMAGES } from '../../core/base';

const IMAGE_PREVIEW_VIEW_TYPE = 'imagePreview.previewEditor';


/** The image of the active tab when it is VS Code's image preview. */
function activeImagePreviewUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom && input.viewType === IMAGE_PREVIEW_VIEW_TYPE) return input.uri;
  if (input instanceof vscode.TabInputText && hasImageExtension(input.uri.path)) return input.uri;
  return undefined;
}

/** Which images the command was invoked on: (uri, uris) from menus, the active preview, or a file picker. */
export async function resolveTargets(deps: DescribeDeps, uri: unknown, uris: unknown): Promise<vscode.Uri[] | undefined> {
  if (Array.isArray(uris) && uris.length > 0 && uris.every((u) => u instanceof vscode.Uri)) return uris as vscode.Uri[];
  if (uri instanceof vscode.Uri) return [uri];
  const active = activeImagePreviewUri();
  if (active) return [active];
  const options: vscode.OpenDialogOptions = {
    canSelectMany: true,
    openLabel: vscode.l10n.t('Describe'),
    title: vscode.l10n.t('Describe Image: choose up to {0} images', MAX_IMAGES),
    filters: { [vscode.l10n.t('Images')]: [...IMAGE_FILE_EXTENSIONS] },
  };
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (folder) options.defaultUri = folder;
  return deps.ui.current.showOpenDialog(options);
}

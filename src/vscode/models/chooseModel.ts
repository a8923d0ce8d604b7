/**
 * Choose Model: one quick pick of every model Describe Image can use — the Azure deployment, the models the
 * OpenAI-compatible server lists (`GET …/models`), and VS Code's image-capable language models — each saying where
 * the images go. The status bar shows the choice (and whether images leave this machine); clicking it opens the pick.
 */
import * as vscode from 'vscode';
import { openAiCredential } from '../../core/net';
import { isOnThisMachine, parseBaseUrl, resolveSettings } from '../../core/base';
import { COMMANDS } from '../base';
import { imageModels, whereImagesGo, type LanguageModelChoice } from './languageModels';
import { readProviderSettings, readSettings, writeProviderChoice, type ProviderId } from '../base';
import { describeChoice } from './choice';
import { httpBackend } from './connection';
import { type DescribeDeps } from '../base';

interface ModelItem extends vscode.QuickPickItem {
  readonly provider?: ProviderId;
  readonly model?: string;
  readonly lm?: LanguageModelChoice;
  readonly action?: 'configure-azure' | 'enter-openai-model';
}

/** The models the OpenAI-compatible server lists, or why there are none. */
async function openAiModels(deps: DescribeDeps): Promise<{ base: string; models: string[]; problem?: string }> {
  const base = parseBaseUrl(readProviderSettings().baseUrl);
  try {
    const key = await deps.keys.get('openai');
    const client = await httpBackend(deps, openAiCredential(key, base), base);
    try {
      return { base, models: await client.listModels({ apiStyle: 'openai', endpoint: base, provider: 'openai', deployment: '' }, AbortSignal.timeout(8000)) };
    } finally {
      await client.close();
    }
  } catch (e) {
    return { base, models: [], problem: e instanceof Error ? e.message : String(e) };
  }
}

type ProviderSettings = ReturnType<typeof readProviderSettings>;
const separator = (label: string): ModelItem => ({ label, kind: vscode.QuickPickItemKind.Separator });

/** A check mark before the model that is the current choice. */
function mark(current: ProviderSettings, provider: ProviderId, model: string): string {
  const chosen = provider === 'vscode' ? current.vscodeModel : provider === 'openai' ? current.openAiModel : '';
  return current.provider === provider && chosen === model ? '$(check) ' : '';
}

function azureItems(current: ProviderSettings): ModelItem[] {
  try {
    const s = resolveSettings({ ...readSettings().raw, provider: 'azure' });
    const host = new URL(s.endpoint).host;
    return [{ label: `${current.provider === 'azure' ? '$(check) ' : ''}${s.deployment}`, description: host, detail: vscode.l10n.t('Images go to your Azure OpenAI resource at {0}.', host), provider: 'azure', model: s.deployment }];
  } catch {
    return [{ label: vscode.l10n.t('$(gear) Set up Azure OpenAI…'), detail: vscode.l10n.t('Your Azure OpenAI resource: endpoint, deployment, key or Microsoft Entra ID.'), action: 'configure-azure' }];
  }
}

async function openAiItems(deps: DescribeDeps, current: ProviderSettings): Promise<ModelItem[]> {
  const listed = await openAiModels(deps);
  const host = new URL(listed.base).host;
  const local = isOnThisMachine(listed.base);
  const where = local ? vscode.l10n.t('Images stay on this machine ({0}).', host) : vscode.l10n.t('Images go to {0}.', host);
  return [
    separator(vscode.l10n.t('OpenAI-compatible server: {0}', host)),
    ...listed.models.map((id): ModelItem => ({ label: `${mark(current, 'openai', id)}${id}`, description: local ? vscode.l10n.t('on this machine') : host, detail: where, provider: 'openai', model: id })),
    { label: vscode.l10n.t('$(edit) Enter a model name…'), detail: listed.problem ? vscode.l10n.t('The server did not list its models: {0}', listed.problem) : where, action: 'enter-openai-model' },
  ];
}

async function languageModelItems(current: ProviderSettings): Promise<ModelItem[]> {
  const models = await imageModels();
  const items: ModelItem[] = [separator(vscode.l10n.t("VS Code's language models"))];
  for (const lm of models) items.push({ label: `${mark(current, 'vscode', lm.id)}${lm.name}`, description: lm.vendor, detail: vscode.l10n.t('Images are {0}.', whereImagesGo(lm)), provider: 'vscode', model: lm.id, lm });
  if (models.length === 0) items.push({ label: vscode.l10n.t('No image-capable language model in VS Code'), detail: vscode.l10n.t('Install or sign in to an extension that offers one (e.g. GitHub Copilot).'), kind: vscode.QuickPickItemKind.Default });
  return items;
}

function offlineItems(current: ProviderSettings): ModelItem[] {
  return [
    separator(vscode.l10n.t('On this machine')),
    {
      label: `${current.provider === 'offline' ? '$(check) ' : ''}${vscode.l10n.t('$(lock) No model: extract text on this machine')}`,
      detail: vscode.l10n.t('Describe Image reads the words in the image here, offline; nothing is sent anywhere.'),
      provider: 'offline',
      model: '',
    },
  ];
}

/** Remember what was picked (or run its action); the same results as pickModel. */
async function applyPick(deps: DescribeDeps, picked: ModelItem, current: ProviderSettings): Promise<LanguageModelChoice | true | undefined> {
  if (picked.action === 'configure-azure') {
    const ok = await vscode.commands.executeCommand<boolean>(COMMANDS.configureEndpoint);
    if (ok) await writeProviderChoice('azure');
    return ok ? true : undefined;
  }
  if (picked.action === 'enter-openai-model') {
    const name = await deps.ui.current.showInputBox({ title: vscode.l10n.t('Model name'), prompt: vscode.l10n.t('The vision-capable model on the server (e.g. gpt-4.1, llava, qwen2.5vl).'), value: current.openAiModel, ignoreFocusOut: true });
    if (!name?.trim()) return undefined;
    await writeProviderChoice('openai', name.trim());
    return true;
  }
  if (!picked.provider || picked.model === undefined) return undefined;
  await writeProviderChoice(picked.provider, picked.model);
  deps.log.info(`Model chosen: ${picked.model} (${picked.provider}).`);
  return picked.lm ?? true;
}

/**
 * Ask which model to use and remember it as the provider's. `only` limits the pick to one provider (when that
 * provider has no model yet). Returns the VS Code language model picked, `true` for another pick, or undefined.
 */
export async function pickModel(deps: DescribeDeps, options: { only?: ProviderId } = {}): Promise<LanguageModelChoice | true | undefined> {
  const current = readProviderSettings();
  const want = (p: ProviderId) => !options.only || options.only === p;
  const items: ModelItem[] = [
    ...(want('azure') ? [separator(vscode.l10n.t('Azure OpenAI')), ...azureItems(current)] : []),
    ...(want('openai') ? await openAiItems(deps, current) : []),
    ...(want('vscode') ? await languageModelItems(current) : []),
    ...(options.only ? [] : offlineItems(current)),
  ];
  const picked = await deps.ui.current.showQuickPick(items, {
    title: vscode.l10n.t('Describe Image: Choose Model'),
    placeHolder: vscode.l10n.t('Which model describes your images? Each says where the images go.'),
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked ? applyPick(deps, picked, current) : undefined;
}

/** The status bar item: the chosen model, and whether images leave this machine. */
export function createStatusItem(): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('describeImage.model', vscode.StatusBarAlignment.Right, 90);
  item.name = vscode.l10n.t('Describe Image model');
  item.command = COMMANDS.chooseModel;
  const update = () => {
    const choice = describeChoice();
    if (choice.unset) {
      item.text = `$(sparkle) ${vscode.l10n.t('Describe Image: Choose Model')}`;
      item.tooltip = vscode.l10n.t('Describe Image sends nothing before you choose where images go. Click to choose.');
      item.accessibilityInformation = { label: vscode.l10n.t('Describe Image: no model chosen yet. Choose Model.') };
      item.show();
      return;
    }
    item.text = `${choice.local ? '$(lock)' : '$(cloud-upload)'} ${choice.label}`;
    item.tooltip = new vscode.MarkdownString(
      choice.local
        ? vscode.l10n.t('Describe Image: **{0}**. Images stay on {1}. Click to choose another model.', choice.label, choice.where)
        : vscode.l10n.t('Describe Image: **{0}**. Images go to {1}. Click to choose another model.', choice.label, choice.where),
    );
    item.accessibilityInformation = { label: vscode.l10n.t('Describe Image model: {0}, images go to {1}', choice.label, choice.where) };
    item.show();
  };
  update();
  const sub = vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('describeImage') && update());
  return vscode.Disposable.from(item, sub);
}

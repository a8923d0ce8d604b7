/**
 * Zero setup: the first describe of someone who configured nothing asks, in one pick, where images should go — the
 * image-capable models already in VS Code (by name, with where images go), reading the text on this machine
 * (offline), or setting up Azure OpenAI / another provider. Nothing is sent before that explicit choice, which is
 * remembered as the provider (the status bar shows it). Also the walkthrough's context keys, which complete its steps
 * as the user acts.
 */
import * as vscode from 'vscode';
import { COMMANDS } from '../base';
import { pickModel } from './chooseModel';
import { imageModels,whereImagesGo } from './languageModels';
import { entraSession } from './auth';
import { readAuthSettings,writeProviderChoice } from '../base';
import { type DescribeDeps } from '../base';
import { needsFirstChoice } from './choice';


interface FirstItem extends vscode.QuickPickItem {
  readonly choice: 'model' | 'offline' | 'setup';
  readonly modelId?: string;
}

/** Ask where images go. Returns what was chosen, or undefined (Escape: nothing is sent). */
export async function firstRunChoice(deps: DescribeDeps): Promise<'model' | 'offline' | 'setup' | undefined> {
  const models = await imageModels();
  const items: FirstItem[] = [
    ...(models.length ? [{ label: vscode.l10n.t("Models already in VS Code"), kind: vscode.QuickPickItemKind.Separator, choice: 'model' as const }] : []),
    ...models.map((m) => ({ label: `$(sparkle) ${m.name}`, description: m.vendor, detail: vscode.l10n.t('Describe with {0}: images are {1}.', m.name, whereImagesGo(m)), choice: 'model' as const, modelId: m.id })),
    { label: vscode.l10n.t('On this machine'), kind: vscode.QuickPickItemKind.Separator, choice: 'offline' },
    { label: vscode.l10n.t('$(lock) Extract text on this machine'), detail: vscode.l10n.t('Read the words in the image here, offline: nothing is sent anywhere, no account needed.'), choice: 'offline' },
    { label: vscode.l10n.t('Your own model'), kind: vscode.QuickPickItemKind.Separator, choice: 'setup' },
    { label: vscode.l10n.t('$(gear) Set up Azure OpenAI / another provider…'), detail: vscode.l10n.t('Azure OpenAI, OpenAI, or a local server such as Ollama or LM Studio.'), choice: 'setup' },
  ];
  const picked = await deps.ui.current.showQuickPick(items, {
    title: vscode.l10n.t('Describe Image: where should your images go?'),
    placeHolder: vscode.l10n.t('Choose once; nothing is sent before you do. The status bar shows the choice and changes it.'),
    ignoreFocusOut: true,
  });
  if (!picked) return undefined;
  if (picked.choice === 'model' && picked.modelId) {
    await writeProviderChoice('vscode', picked.modelId);
    deps.log.info(`First use: the VS Code language model ${picked.modelId} was chosen.`);
    return 'model';
  }
  if (picked.choice === 'offline') {
    await writeProviderChoice('offline');
    deps.log.info('First use: reading text on this machine was chosen.');
    return 'offline';
  }
  return (await pickModel(deps)) ? 'setup' : undefined;
}

/** The walkthrough's steps complete on these context keys. */
export async function updateContextKeys(deps: DescribeDeps): Promise<void> {
  const keys = await deps.keys.all();
  await vscode.commands.executeCommand('setContext', 'describeImage.keyStored', keys.length > 0);
  await vscode.commands.executeCommand('setContext', 'describeImage.modelChosen', !needsFirstChoice());
  if (readAuthSettings().method === 'entraId') {
    const session = await entraSession('silent').catch(() => undefined);
    await vscode.commands.executeCommand('setContext', 'describeImage.signedIn', !!session);
  }
}

/** The sample screenshot shipped with the extension (for the walkthrough). */
export function sampleImage(context: vscode.ExtensionContext): vscode.Uri {
  return vscode.Uri.joinPath(context.extensionUri, 'media', 'sample-screenshot.png');
}

const WALKTHROUGH_OFFERED = 'describeImage.walkthroughOffered';

/**
 * Open the walkthrough once, at the first start after a person installed the extension and while nothing is set up.
 * VS Code does this itself after an install (`workbench.welcomePage.walkthroughs.openOnInstall`), but in a remote window
 * (code-server, and so Codespaces, SSH, WSL) it races: the remote extension host may learn of the new extension before
 * the workbench hears of the install, and then nothing opens (seen in about half of the runs of the first-run UI test).
 * Opening the same walkthrough a second time only selects it again. Not for an extension under development or test,
 * and not when the person switched the VS Code setting off.
 */
export async function openWalkthroughOnFirstStart(context: vscode.ExtensionContext, deps: DescribeDeps): Promise<void> {
  if (context.extensionMode !== vscode.ExtensionMode.Production || context.globalState.get<boolean>(WALKTHROUGH_OFFERED)) return;
  await context.globalState.update(WALKTHROUGH_OFFERED, true);
  if (!vscode.workspace.getConfiguration('workbench.welcomePage').get<boolean>('walkthroughs.openOnInstall', true) || !needsFirstChoice()) return;
  await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#start`, false);
  deps.log.info('First start after the install, nothing set up yet: opened the walkthrough "Get Started with Describe Image".');
}

export function registerFirstRun(context: vscode.ExtensionContext, deps: DescribeDeps): vscode.Disposable[] {
  void updateContextKeys(deps);
  void openWalkthroughOnFirstStart(context, deps).catch((e: unknown) => deps.log.warn(`The walkthrough did not open: ${e instanceof Error ? e.message : String(e)}`));
  return [
    deps.keys.onDidChange(() => void updateContextKeys(deps)),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('describeImage') && void updateContextKeys(deps)),
    vscode.commands.registerCommand('describeImage.describeSample', () => vscode.commands.executeCommand(COMMANDS.describe, sampleImage(context))),
    vscode.commands.registerCommand('describeImage.extractTextSample', () => vscode.commands.executeCommand(COMMANDS.extractText, sampleImage(context))),
  ];
}

/**
 * Zero setup, inside the real VS Code: someone who configured nothing runs Describe Image. One pick asks where images
 * go — the image-capable language models already in VS Code (the test-only extension registers "Example Vision Model"),
 * reading the text on this machine, or setting up a provider — and nothing is sent before that choice. Also the
 * walkthrough: contributed, opens, its steps' commands exist and its sample commands work.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { revertAll } from './workbench';
import type { TestApi } from '../../src/extension';
import type { DescribeDeps } from '../../src/vscode/base';
import { openWalkthroughOnFirstStart } from '../../src/vscode/models';
import { AzureLikeServer } from '../support/azureServer';
import { StubUi } from './stubUi';

const EXTENSION_ID = 'describe-image.describe-image';
const FIRST_TITLE = /where should your images go/;
const VISION = '$(sparkle) Example Vision Model';
const OFFLINE = '$(lock) Extract text on this machine';
const SETUP = '$(gear) Set up Azure OpenAI / another provider…';

const azure = new AzureLikeServer();
let api: TestApi;
let ui: StubUi;

const folder = () => vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file('/');
const image = (name = 'ui.png') => vscode.Uri.joinPath(folder(), 'images', name);
const describe_ = (uri = image()) => vscode.commands.executeCommand<vscode.TextDocument | undefined>('describeImage.describe', uri);
const lmRequestCount = async () => (await vscode.commands.executeCommand<unknown[]>('describeImageTest.lmRequests')).length;
const setting = (key: string) => vscode.workspace.getConfiguration('describeImage').inspect(key)?.globalValue;

/** Nothing configured: no provider, no endpoint, no model, no key. */
async function reset(): Promise<void> {
  const c = vscode.workspace.getConfiguration('describeImage');
  for (const key of ['provider', 'endpoint', 'deployment', 'apiVersion', 'authentication', 'vscode.model', 'openai.model', 'openai.baseUrl']) {
    await c.update(key, undefined, vscode.ConfigurationTarget.Global);
  }
  await vscode.commands.executeCommand('describeImage.clearApiKey');
}

describe('Zero setup: the first describe with nothing configured', () => {
  before(async () => {
    await azure.start();
    const exported = await vscode.extensions.getExtension<TestApi>(EXTENSION_ID)?.activate();
    assert.ok(exported);
    api = exported;
  });
  after(async () => {
    api.setUi(undefined);
    await reset();
    await azure.stop();
  });
  beforeEach(async () => {
    ui = new StubUi();
    api.setUi(ui);
    azure.requests.length = 0;
    await reset();
    // clearApiKey asks nothing but says it; start each test with a clean record.
    ui.messages.length = 0;
    await vscode.commands.executeCommand('describeImageTest.setLmBehaviour', {});
    await revertAll();
  });

  it('asks once where images go, offering what needs no setup first; Escape sends nothing and changes nothing', async () => {
    const before = await lmRequestCount();
    ui.picks.push(undefined);
    const doc = await describe_();
    assert.equal(doc, undefined);
    assert.equal(ui.quickPicks.length, 1);
    const [pick] = ui.quickPicks;
    assert.match(pick?.title ?? '', FIRST_TITLE);
    const items = pick?.items ?? [];
    assert.ok(items.includes(VISION), items.join(' | '));
    assert.ok(!items.some((i) => i.includes('Test Text Model')), 'a model that cannot see images is not offered');
    assert.ok(items.indexOf(VISION) < items.indexOf(OFFLINE) && items.indexOf(OFFLINE) < items.indexOf(SETUP), 'no-setup choices come first');
    assert.equal(await lmRequestCount(), before, 'nothing was sent to a model');
    assert.equal(azure.requests.length, 0);
    assert.equal(setting('provider'), undefined, 'Escape leaves the settings as they were');
    assert.deepEqual(ui.messages, [], 'no warning about endpoints or keys for someone who has not chosen yet');
  });

  it('a VS Code model chosen there describes the image and is remembered: the next describe asks nothing', async () => {
    const before = await lmRequestCount();
    ui.picks.push(VISION);
    const first = await describe_();
    assert.ok(first, ui.errors().join('\n'));
    assert.match(first.getText(), /test vision model saw 1 image/);
    assert.equal(setting('provider'), 'vscode');
    assert.equal(setting('vscode.model'), 'example-vision');
    const second = await describe_(image('ui.png'));
    assert.ok(second, ui.errors().join('\n'));
    assert.equal(ui.quickPicks.length, 1, 'the second describe asked nothing');
    assert.equal(await lmRequestCount(), before + 2);
    assert.deepEqual(ui.errors(), []);
  });

  it('"on this machine" reads the text of the sample screenshot offline and remembers it; Choose Model shows it', async () => {
    const before = await lmRequestCount();
    ui.picks.push(OFFLINE);
    const doc = await vscode.commands.executeCommand<vscode.TextDocument | undefined>('describeImage.describeSample');
    assert.ok(doc, ui.errors().join('\n'));
    const text = doc.getText();
    assert.match(text, /Sync failed/, text);
    assert.match(text, /Acme Notes/, text);
    assert.match(ui.progressTitles.at(-1) ?? '', /on this machine/);
    assert.equal(setting('provider'), 'offline');
    assert.equal(await lmRequestCount(), before, 'nothing was sent to a model');
    assert.equal(azure.requests.length, 0);

    // The next describe reads text again without asking; Choose Model marks the offline choice and can change it.
    const again = await describe_(image('ui.png'));
    assert.ok(again, ui.errors().join('\n'));
    assert.equal(ui.quickPicks.length, 1);
    ui.picks.push(undefined);
    await vscode.commands.executeCommand('describeImage.chooseModel');
    const offered = ui.quickPicks.at(-1)?.items ?? [];
    assert.ok(offered.includes(`$(check) $(lock) No model: extract text on this machine`), offered.join(' | '));
  });

  it('"set up" leads to Configure Endpoint and the key, then the describe goes on to Azure', async () => {
    ui.picks.push(SETUP, '$(gear) Set up Azure OpenAI…', 'API key');
    ui.inputs.push(azure.targetUri('gpt-4o', '2024-10-21'));
    ui.answers.push({ match: /No API key is set/, pick: 'Set API Key' });
    ui.inputs.push(azure.key);
    const doc = await describe_();
    assert.ok(doc, ui.errors().join('\n'));
    assert.equal(azure.requests.length, 1);
    assert.equal(azure.requests[0]?.headers['api-key'], azure.key);
    assert.equal(setting('provider'), 'azure');
    assert.equal(setting('deployment'), 'gpt-4o');
  });

  it('an existing Azure set-up is not asked again (people who configured before this version)', async () => {
    const c = vscode.workspace.getConfiguration('describeImage');
    await c.update('endpoint', azure.url, vscode.ConfigurationTarget.Global);
    await c.update('deployment', 'gpt-4o', vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('describeImage.setApiKey', azure.key);
    const doc = await describe_();
    assert.ok(doc, ui.errors().join('\n'));
    assert.equal(ui.quickPicks.length, 0);
    assert.equal(azure.requests.length, 1);
  });

  it('alt text with "on this machine" chosen says it needs a model and offers Choose Model', async () => {
    await vscode.workspace.getConfiguration('describeImage').update('provider', 'offline', vscode.ConfigurationTarget.Global);
    const docUri = vscode.Uri.joinPath(folder(), 'docs', 'first-run.md');
    await vscode.workspace.fs.writeFile(docUri, new TextEncoder().encode('# Page\n\n![](../images/ui.png)\n'));
    try {
      const md = await vscode.workspace.openTextDocument(docUri);
      await vscode.window.showTextDocument(md);
      const applied = await vscode.commands.executeCommand('describeImage.generateAltText', md.uri, md.offsetAt(new vscode.Position(2, 1)));
      assert.ok(!applied);
      const error = ui.messages.find((m) => m.level === 'error');
      assert.match(error?.message ?? '', /read text on this machine, without a model/);
      assert.ok(error?.items.includes('Choose Model'), JSON.stringify(error));
      assert.equal(md.getText(), '# Page\n\n![](../images/ui.png)\n', 'the file is unchanged');
    } finally {
      await revertAll();
      await vscode.workspace.fs.delete(docUri);
    }
  });
});

describe('The walkthrough', () => {
  interface Step {
    id: string;
    description: string;
    media: { image?: string; markdown?: string };
    completionEvents: string[];
  }
  const ext = () => vscode.extensions.getExtension(EXTENSION_ID);

  it('is contributed with media that exist and buttons that run registered commands', async () => {
    const extension = ext();
    assert.ok(extension);
    const pkg = extension.packageJSON as { contributes: { walkthroughs: { id: string; steps: Step[] }[] } };
    const nls = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extension.extensionUri, 'package.nls.json')))) as Record<string, string>;
    const walkthrough = pkg.contributes.walkthroughs.find((w) => w.id === 'start');
    assert.ok(walkthrough);
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const step of walkthrough.steps) {
      const media = step.media.image ?? step.media.markdown;
      assert.ok(media, `${step.id} has media`);
      await vscode.workspace.fs.stat(vscode.Uri.joinPath(extension.extensionUri, media));
      const description = nls[step.description.replace(/^%|%$/g, '')] ?? step.description;
      const links = [...description.matchAll(/\(command:([\w.]+)/g)].map((m) => m[1] ?? '');
      assert.ok(links.length > 0, `${step.id} has a button`);
      for (const command of links) assert.ok(registered.has(command), `${step.id}: ${command} is registered`);
      for (const event of step.completionEvents.filter((e) => e.startsWith('onCommand:'))) {
        assert.ok(registered.has(event.slice('onCommand:'.length)), `${step.id}: ${event} names a registered command`);
      }
    }
  });

  it('opens in the workbench', async () => {
    await revertAll();
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${EXTENSION_ID}#start`, false);
    const deadline = Date.now() + 10_000;
    let label = '';
    while (Date.now() < deadline) {
      label = vscode.window.tabGroups.activeTabGroup.activeTab?.label ?? '';
      if (label) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(label, /Welcome|Walkthrough|Get Started/i);
    await revertAll();
  });

  describe('at the first start after an install', () => {
    const logged: string[] = [];
    const deps = { log: { info: (m: string) => logged.push(m), warn: (m: string) => logged.push(m) } } as unknown as DescribeDeps;
    /** The extension's context as VS Code gives it to an installed extension, with a fresh global state. */
    const installed = (mode = vscode.ExtensionMode.Production) => {
      const state = new Map<string, unknown>();
      const globalState = { get: (k: string) => state.get(k), update: async (k: string, v: unknown) => void state.set(k, v), keys: () => [...state.keys()] };
      return { state, context: { extensionMode: mode, globalState, extension: ext() } as unknown as vscode.ExtensionContext };
    };
    const welcomeOpen = () => vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => /Welcome|Walkthrough|Get Started/i.test(t.label)));
    const waitForWelcome = async () => {
      for (const deadline = Date.now() + 10_000; Date.now() < deadline && !welcomeOpen(); ) await new Promise((r) => setTimeout(r, 100));
      return welcomeOpen();
    };
    const openOnInstall = (value: boolean | undefined) => vscode.workspace.getConfiguration('workbench.welcomePage').update('walkthroughs.openOnInstall', value, vscode.ConfigurationTarget.Global);

    beforeEach(async () => {
      await reset();
      await revertAll();
      logged.length = 0;
    });
    after(async () => {
      await openOnInstall(undefined);
      await revertAll();
    });

    it('opens the walkthrough once, when nothing is set up', async () => {
      const { context, state } = installed();
      await openWalkthroughOnFirstStart(context, deps);
      assert.equal(await waitForWelcome(), true, 'the walkthrough opened');
      assert.equal(state.get('describeImage.walkthroughOffered'), true);
      assert.match(logged.join('\n'), /opened the walkthrough/);
      await revertAll();
      await openWalkthroughOnFirstStart(context, deps);
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(welcomeOpen(), false, 'not a second time');
    });

    it('does not open it for an existing set-up, when VS Code\'s setting is off, or for an extension under development', async () => {
      await vscode.workspace.getConfiguration('describeImage').update('provider', 'offline', vscode.ConfigurationTarget.Global);
      const configured = installed();
      await openWalkthroughOnFirstStart(configured.context, deps);
      assert.equal(configured.state.get('describeImage.walkthroughOffered'), true, 'offered once, and not again later');
      await reset();
      await openOnInstall(false);
      const switchedOff = installed();
      await openWalkthroughOnFirstStart(switchedOff.context, deps);
      await openOnInstall(undefined);
      const development = installed(vscode.ExtensionMode.Development);
      await openWalkthroughOnFirstStart(development.context, deps);
      assert.equal(development.state.size, 0, 'an extension under development keeps no record');
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(welcomeOpen(), false);
      assert.deepEqual(logged, []);
    });
  });
});

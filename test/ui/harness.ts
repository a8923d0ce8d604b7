/** Typed access to test/harness/codeServer.mjs from the compiled (CommonJS) UI tests. */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { AzureLikeServer } from '../support/azureServer';
import { fixture, repoRoot } from '../support/paths';

export interface CodeServer {
  readonly port: number;
  readonly baseUrl: string;
  readonly userDataDir: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

export interface Harness {
  copyWorkspace(fixtureDir: string): string;
  startCodeServer(options: { workspaceDir?: string; env?: Record<string, string>; userSettings?: Record<string, unknown>; machineSettings?: Record<string, unknown>; name?: string }): Promise<CodeServer>;
  launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }>;
  workbenchUrl(server: CodeServer, options: { folder?: string; extensionDevelopmentPath?: string; extensionTestsPath?: string }): string;
  waitForWorkbench(page: Page, timeout?: number): Promise<void>;
  runCommand(page: Page, title: string): Promise<void>;
  answerInput(page: Page, text: string): Promise<void>;
  explorerRow(page: Page, name: string): Locator;
  waitForNotification(page: Page, text: string, timeout?: number): Promise<string>;
  screenshot(page: Page, name: string): Promise<string>;
}

// A real dynamic import: esbuild would turn `import()` into `require()`, which cannot load an ES module.
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

export async function loadHarness(): Promise<Harness> {
  return (await importEsm(pathToFileURL(path.join(repoRoot, 'test', 'harness', 'codeServer.mjs')).href)) as Harness;
}

export interface Session {
  readonly h: Harness;
  readonly azure: AzureLikeServer;
  readonly server: CodeServer;
  readonly page: Page;
  close(): Promise<void>;
}

/**
 * A workbench on a copy of the fixture workspace with an Azure-like server. With `configured`, the endpoint and
 * deployment are machine settings and the key is set through "Set API Key", typed as a person would.
 */
export async function startSession(name: string, options: { configured: boolean; azure?: AzureLikeServer }): Promise<Session> {
  const h = await loadHarness();
  const azure = options.azure ?? new AzureLikeServer();
  await azure.start();
  const workspace = h.copyWorkspace(fixture('workspace'));
  const machineSettings = options.configured ? { 'describeImage.endpoint': azure.url, 'describeImage.deployment': 'gpt-4o' } : {};
  const server = await h.startCodeServer({ workspaceDir: workspace, name, machineSettings });
  const browser = await h.launchBrowser();
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await page.goto(h.workbenchUrl(server, { folder: workspace }));
  await h.waitForWorkbench(page);
  if (options.configured) {
    await h.runCommand(page, 'Describe Image: Set API Key');
    await h.answerInput(page, azure.key);
    await h.waitForNotification(page, 'API key saved in secret storage');
  }
  return {
    h,
    azure,
    server,
    page,
    close: async () => {
      await browser.close();
      await server.stop();
      await azure.stop();
    },
  };
}

/** Typed access to test/harness/codeServer.mjs from the compiled (CommonJS) UI tests. */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { repoRoot } from '../support/paths';

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

/** Typed access to test/harness/codeServer.mjs from the compiled (CommonJS) UI tests. */
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { AzureLikeServer, type RecordedRequest } from '../support/azureServer';
import { startConnectProxy, type TestProxy } from '../support/proxy';
import { fixture, repoRoot, testResultsDir } from '../support/paths';

export interface CodeServer {
  readonly port: number;
  readonly baseUrl: string;
  readonly userDataDir: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

export interface Harness {
  copyWorkspace(fixtureDir: string): string;
  startCodeServer(options: { workspaceDir?: string; env?: Record<string, string>; userSettings?: Record<string, unknown>; machineSettings?: Record<string, unknown>; name?: string; installed?: boolean }): Promise<CodeServer>;
  launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }>;
  workbenchUrl(server: CodeServer, options: { folder?: string; extensionDevelopmentPath?: string | null; extensionTestsPath?: string; skipWelcome?: boolean }): string;
  waitForWorkbench(page: Page, timeout?: number): Promise<void>;
  runCommand(page: Page, title: string): Promise<void>;
  answerInput(page: Page, text: string): Promise<void>;
  explorerRow(page: Page, name: string): Locator;
  extensionStatusItem(page: Page): Locator;
  waitForExtension(page: Page, timeout?: number): Promise<void>;
  pickFromContextMenu(page: Page, row: string, item: string, options?: { attempts?: number; screenshot?: string }): Promise<void>;
  waitForNotification(page: Page, text: string, timeout?: number): Promise<string>;
  screenshot(page: Page, name: string): Promise<string>;
  makeTestNetwork(host?: string): { dir: string; env: Record<string, string>; dispose(): void };
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
  /** The workspace folder the workbench has open (a copy of test/fixtures/workspace). */
  readonly workspace: string;
  /** With `network`: the forward proxy in http.proxy, the only way to the resource's host. */
  readonly proxy: TestProxy | undefined;
  /** Names the session's server log and screenshots. */
  readonly name: string;
  close(): Promise<void>;
}

/** Sessions open now: a failing test saves the screen and the logs of each (see saveFailureArtifacts). */
const openSessions = new Set<Session>();
/** The workbench's own console (the window's log lives in the browser), the last lines of each page. */
const consoles = new WeakMap<Page, string[]>();

function recordConsole(page: Page): void {
  const lines: string[] = [];
  consoles.set(page, lines);
  const add = (line: string) => {
    lines.push(`${new Date().toISOString()} ${line}`);
    if (lines.length > 3000) lines.splice(0, lines.length - 3000);
  };
  page.on('console', (m) => add(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => add(`[pageerror] ${e.stack ?? e.message}`));
}

/** A file-system-safe name for a test title. */
function slug(title: string): string {
  return title.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 100) || 'test';
}

/**
 * Save what a person needs to read a red run: a screenshot of every open workbench, its browser console, the server's
 * log and the workbench's own logs (the extension host's output channels among them), under
 * test-results/failures/<test>/.
 * Called by the UI runner's root afterEach hook for every failed test, and by startSession when it fails.
 */
export async function saveFailureArtifacts(title: string, sessions: Iterable<Pick<Session, 'page' | 'server' | 'name'>> = openSessions): Promise<string> {
  const dir = path.join(testResultsDir, 'failures', slug(title));
  mkdirSync(dir, { recursive: true });
  const notes: string[] = [`Test: ${title}`, `Saved: ${new Date().toISOString()}`];
  for (const s of sessions) {
    const shot = path.join(dir, `${s.name}.png`);
    await s.page.screenshot({ path: shot }).then(
      () => notes.push(`Screenshot: ${path.relative(testResultsDir, shot)}`),
      (e: unknown) => notes.push(`No screenshot of ${s.name}: ${String(e)}`),
    );
    const browserLog = consoles.get(s.page);
    if (browserLog) writeFileSync(path.join(dir, `${s.name}-browser-console.log`), `${browserLog.join('\n')}\n`);
    if (existsSync(s.server.logFile)) cpSync(s.server.logFile, path.join(dir, `${s.name}-server.log`));
    const logs = path.join(s.server.userDataDir, 'logs');
    if (existsSync(logs)) cpSync(logs, path.join(dir, `${s.name}-workbench-logs`), { recursive: true });
  }
  if (notes.length === 2) notes.push('No workbench was open (the test failed before or after its session).');
  writeFileSync(path.join(dir, 'README.txt'), `${notes.join('\n')}\n`);
  return dir;
}

/** Wait until the extension's log channel ("Describe Image"), as the extension host writes it to disk, has `text`. */
export async function waitForExtensionLog(server: CodeServer, text: string, timeout = 60_000): Promise<void> {
  const logs = path.join(server.userDataDir, 'logs');
  const deadline = Date.now() + timeout;
  for (;;) {
    const files = existsSync(logs) ? readdirSync(logs, { recursive: true, encoding: 'utf8' }).filter((f) => path.basename(f) === 'Describe Image.log') : [];
    if (files.some((f) => readFileSync(path.join(logs, f), 'utf8').includes(text))) return;
    if (Date.now() > deadline) throw new Error(`The extension's log did not say "${text}" within ${timeout} ms (${files.length} log files).`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * A workbench on a copy of the fixture workspace with an Azure-like server. With `configured`, the endpoint and
 * deployment are machine settings and (unless `setKey` is false) the key is set through "Set API Key", typed as a
 * person would — which also activates the extension, so tests of activation pass `setKey: false`.
 */
export async function startSession(
  name: string,
  options: {
    configured: boolean;
    setKey?: boolean;
    azure?: AzureLikeServer;
    userSettings?: Record<string, unknown>;
    machineSettings?: Record<string, unknown>;
    env?: Record<string, string>;
    /**
     * A corporate network: the Azure-like server speaks TLS with a certificate from a private CA (trusted by the
     * code-server process like an OS store) under a host name only a forward proxy resolves; http.proxy points at it.
     */
    network?: boolean;
    answer?: (req: RecordedRequest) => string;
    /** No extension under development: the window of a person who has not installed Describe Image yet. */
    notInstalled?: boolean;
    /**
     * This checkout installed, not under development: the window looks like a person's (no "[Extension Development
     * Host]" in the title bar), for the sessions whose screens are the README's pictures.
     */
    installed?: boolean;
  },
): Promise<Session> {
  const h = await loadHarness();
  const net = options.network ? h.makeTestNetwork() : undefined;
  const host = net ? readFileSync(path.join(net.dir, 'host'), 'utf8') : undefined;
  const azure =
    options.azure ??
    new AzureLikeServer({
      ...(options.answer ? { answer: options.answer } : {}),
      ...(net && host ? { tls: { key: readFileSync(path.join(net.dir, 'key.pem'), 'utf8'), cert: readFileSync(path.join(net.dir, 'cert.pem'), 'utf8') }, hostName: host } : {}),
    });
  await azure.start();
  const proxy = host ? await startConnectProxy({ hosts: { [host]: '127.0.0.1' } }) : undefined;
  const workspace = h.copyWorkspace(fixture('workspace'));
  const machineSettings = { ...(options.configured ? { 'describeImage.endpoint': azure.url, 'describeImage.deployment': 'gpt-4o' } : {}), ...options.machineSettings };
  // Installed, the extension would open its walkthrough at its first start (as for a person): not in these tests.
  const installedSettings = options.installed ? { 'workbench.welcomePage.walkthroughs.openOnInstall': false } : {};
  const userSettings = { ...installedSettings, ...options.userSettings, ...(proxy ? { 'http.proxy': proxy.url } : {}) };
  const env = { ...net?.env, ...options.env };
  const server = await h.startCodeServer({ workspaceDir: workspace, name, machineSettings, userSettings, env, installed: options.installed === true });
  const browser = await h.launchBrowser();
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  recordConsole(page);
  const session: Session = {
    h,
    azure,
    server,
    page,
    workspace,
    proxy,
    name,
    close: async () => {
      openSessions.delete(session);
      await browser.close();
      await server.stop();
      await azure.stop();
      await proxy?.close();
      net?.dispose();
    },
  };
  openSessions.add(session);
  try {
    const notUnderDevelopment = options.notInstalled || options.installed;
    await page.goto(h.workbenchUrl(server, { folder: workspace, ...(notUnderDevelopment ? { extensionDevelopmentPath: null, skipWelcome: options.installed === true } : {}) }));
    await h.waitForWorkbench(page);
    // Every test starts once the workbench shows the extension (its status-bar item), as a person would: before, a
    // right-click menu on an image lacks Describe Image for good. A window without it waits for what its test shows.
    if (!options.notInstalled) await h.waitForExtension(page);
    // Without an extension under development, code-server shows its Welcome page even so: close it, as a person would.
    if (options.installed) await h.runCommand(page, 'View: Close All Editors');
    if (options.configured && options.setKey !== false) {
      await h.runCommand(page, 'Describe Image: Set API Key');
      await h.answerInput(page, azure.key);
      await h.waitForNotification(page, 'API key saved in secret storage');
    }
  } catch (e) {
    // A failing before() hook gets no afterEach: save the artifacts here.
    const dir = await saveFailureArtifacts(`${name} start`, [session]).catch(() => undefined);
    await session.close().catch(() => undefined);
    throw new Error(`${e instanceof Error ? e.message : String(e)}${dir ? ` (screenshot and logs: ${path.relative(repoRoot, dir)})` : ''}`, { cause: e });
  }
  return session;
}

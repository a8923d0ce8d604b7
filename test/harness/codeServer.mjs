// Runs a real VS Code for the tests: code-server (VS Code's server and web workbench, from npm) on Node 24, with a
// headless Debian chromium driven by Playwright as the window. Set up by scripts/setup-vscode-test.sh; see README.md
// beside this file. Every server gets its own HOME, config, data and temp folders and its own process group.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, cpSync, closeSync, symlinkSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** A test-only extension loaded beside ours: a stand-in Microsoft sign-in (see its extension.js). Never shipped. */
export const testSupportExtension = path.join(repoRoot, 'test', 'fixtures', 'test-extension');
const vscodeTest = path.join(repoRoot, '.vscode-test');
const node24 = path.join(vscodeTest, 'node24', 'bin', 'node');
const codeServerEntry = path.join(vscodeTest, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const resultsDir = path.join(repoRoot, 'test-results');
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Copy a fixture folder to a fresh temp folder (tests must not change the repo's fixtures). */
export function copyWorkspace(fixtureDir) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'di-ws-'));
  cpSync(fixtureDir, dir, { recursive: true });
  return dir;
}

const DEFAULT_USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  // Sticky scroll lays the heading over the editor's first lines, where the light bulb is: a click on the bulb hit it.
  'editor.stickyScroll.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  // VS Code's own default (code-server's differs): tests check that nothing is written behind the user.
  'files.autoSave': 'off',
};

/**
 * Start code-server. `env` is merged into the server's environment, which the extension host inherits.
 * `userSettings` are written to the user's settings.json before start, `machineSettings` to the machine's.
 */
export async function startCodeServer({ workspaceDir, env = {}, userSettings = {}, machineSettings = {}, name = 'code-server', installed = false } = {}) {
  if (!existsSync(codeServerEntry) || !existsSync(node24)) {
    throw new Error('code-server is not set up: run `bash scripts/setup-vscode-test.sh` first.');
  }
  const port = await freePort();
  const home = mkdtempSync(path.join(os.tmpdir(), 'di-cs-'));
  const userDataDir = path.join(home, 'user-data');
  for (const d of ['config', 'data', 'tmp', 'user-data/User', 'exts']) mkdirSync(path.join(home, d), { recursive: true });
  // The test-only extension is installed (the server loads one extension under development: ours).
  cpSync(testSupportExtension, path.join(home, 'exts', 'describe-image-test.describe-image-test-support-0.0.1'), { recursive: true });
  // `installed`: this checkout as an installed extension (a link, so its dist/ is the one built), for a window opened
  // without an extension under development: one that looks like a person's (no "[Extension Development Host]").
  if (installed) symlinkSync(repoRoot, path.join(home, 'exts', 'describe-image.describe-image-0.1.0'), 'dir');
  writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...DEFAULT_USER_SETTINGS, ...userSettings }, null, 2));
  // Machine-scoped settings (the extension's endpoint, deployment, api-version) are read from the remote machine's
  // settings in a remote window such as code-server's.
  mkdirSync(path.join(userDataDir, 'Machine'), { recursive: true });
  writeFileSync(path.join(userDataDir, 'Machine', 'settings.json'), JSON.stringify(machineSettings, null, 2));
  mkdirSync(path.join(resultsDir, 'logs'), { recursive: true });
  const logFile = path.join(resultsDir, 'logs', `${name}-${port}.log`);
  const logFd = openSync(logFile, 'w');
  const args = [
    codeServerEntry,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--user-data-dir', userDataDir,
    '--extensions-dir', path.join(home, 'exts'),
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--disable-proxy',
    '--ignore-last-opened',
    '--vscode-option', 'enable-smoke-test-driver',
  ];
  const child = spawn(node24, args, {
    cwd: workspaceDir ?? home,
    detached: true, // its own process group, stopped as a whole
    stdio: ['ignore', logFd, logFd],
    env: {
      ...process.env,
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, 'config'),
      XDG_DATA_HOME: path.join(home, 'data'),
      TMPDIR: path.join(home, 'tmp'),
      DESCRIBE_IMAGE_TEST_RESULTS: resultsDir,
      // code-server's extension gallery (open-vsx.org by default), queried for installed extensions: a loopback
      // address that answers nothing, so a test run never reaches the internet.
      EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: 'http://127.0.0.1:9/gallery', itemUrl: 'http://127.0.0.1:9/items', resourceUrlTemplate: 'http://127.0.0.1:9/{publisher}/{name}/{version}/{path}' }),
      ...env,
    },
  });
  closeSync(logFd);
  let exited = false;
  child.on('exit', () => (exited = true));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`code-server exited at start; see ${logFile}`);
    try {
      const res = await fetch(`${baseUrl}/healthz`);
      if (res.ok) break;
    } catch {
      // not yet listening
    }
    if (Date.now() > deadline) throw new Error(`code-server did not answer /healthz in 60 s; see ${logFile}`);
    await sleep(200);
  }
  return {
    port,
    baseUrl,
    userDataDir,
    logFile,
    async stop() {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      for (let i = 0; i < 50 && !exited; i++) await sleep(100);
      if (!exited) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      // The link to this checkout goes first, on its own: nothing may ever delete through it.
      if (installed) {
        try {
          unlinkSync(path.join(home, 'exts', 'describe-image.describe-image-0.1.0'));
        } catch (e) {
          if (e.code !== 'ENOENT') throw e; // stopped twice: the link is already gone
        }
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * A corporate network for a test session: a certificate authority made here (node-forge, see test/support/tls.ts)
 * and a server certificate for a host name that only the test proxy resolves. The code-server process trusts the CA
 * the way an OS store does (SSL_CERT_FILE, which VS Code's network stack reads on Linux), and the tests find the key,
 * certificate and host in DESCRIBE_IMAGE_TEST_TLS_DIR. Also a token for the stand-in Microsoft sign-in.
 */
export function makeTestNetwork(host = 'describe-image.corp.test') {
  const require = createRequire(import.meta.url);
  const { makeCertificates } = require(path.join(repoRoot, process.env.DESCRIBE_IMAGE_OUT || 'out', 'test', 'support', 'tls.js'));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'di-net-'));
  const certs = makeCertificates([host]);
  writeFileSync(path.join(dir, 'ca.pem'), certs.caPem);
  writeFileSync(path.join(dir, 'key.pem'), certs.keyPem);
  writeFileSync(path.join(dir, 'cert.pem'), certs.certPem);
  writeFileSync(path.join(dir, 'host'), host);
  return {
    dir,
    env: {
      SSL_CERT_FILE: path.join(dir, 'ca.pem'),
      DESCRIBE_IMAGE_TEST_TLS_DIR: dir,
      DESCRIBE_IMAGE_TEST_ENTRA_TOKEN: `test-entra-token-${Math.random().toString(36).slice(2)}`,
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A headless chromium with a fresh profile. */
export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(path.join(os.tmpdir(), 'di-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const close = async () => {
    await context.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, close };
}

const remote = (server, p) => `vscode-remote://127.0.0.1:${server.port}${path.resolve(p)}`;

/**
 * The workbench URL that opens `folder` with the extension under development (and optionally its tests).
 * `extensionDevelopmentPath: null`: none, as a person's window (for installing the packaged extension).
 */
export function workbenchUrl(server, { folder, extensionDevelopmentPath = repoRoot, extensionTestsPath, skipWelcome = extensionDevelopmentPath !== null } = {}) {
  // A test window skips VS Code's welcome (as VS Code's own test runner does); a person's window does not.
  const payload = [...(extensionDevelopmentPath === null ? [] : [['extensionDevelopmentPath', remote(server, extensionDevelopmentPath)]]), ...(skipWelcome ? [['skipWelcome', 'true']] : [])];
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(server, extensionTestsPath)]);
  const query = [folder ? `folder=${encodeURIComponent(folder)}` : '', `payload=${encodeURIComponent(JSON.stringify(payload))}`].filter(Boolean).join('&');
  return `${server.baseUrl}/?${query}`;
}

/** Wait until the workbench is up (status bar shown). */
export async function waitForWorkbench(page, timeout = 60_000) {
  await page.locator('.monaco-workbench').waitFor({ timeout });
  await page.locator('.part.statusbar').waitFor({ timeout });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout });
}

/** Run a command from the command palette by its title (as a person types it). */
export async function runCommand(page, title, timeout = 60_000) {
  const deadline = Date.now() + timeout;
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: title }).first();
  const input = page.locator('.quick-input-widget input');
  // Early on, the palette may not list an extension's commands yet; and a webview that was just clicked takes the
  // focus back a moment later, which closes a palette that opened in between (seen in a full run: the palette input
  // shown, then hidden before it could be typed into). Either way, as a person would: close it and open it again.
  for (;;) {
    await page.keyboard.press('F1');
    try {
      await input.fill(`>${title}`, { timeout: 5_000 });
      await row.waitFor({ timeout: 5_000 });
      break;
    } catch (e) {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw e;
    }
  }
  // Move the focus to the row of this command (the first row may be a recently used other command), then Enter.
  for (let i = 0; i < 20; i++) {
    const focused = (await page.locator('.quick-input-list .monaco-list-row.focused').first().getAttribute('aria-label').catch(() => '')) ?? '';
    if (focused === title || focused.startsWith(`${title},`)) break;
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Enter');
  // The palette is gone once its input no longer holds the typed command (a box the command opens may take its place).
  await page.waitForFunction(() => {
    const i = document.querySelector('.quick-input-widget input');
    return !i || !i.checkVisibility() || !i.value.startsWith('>');
  });
}

/** Type into the quick input that is open (e.g. an input box a command showed) and press Enter. */
export async function answerInput(page, text) {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await page.waitForFunction(() => !document.querySelector('.quick-input-widget input')?.value.startsWith('>'));
  await input.fill(text);
  // The extension validates as the user types (a round trip to the extension host); Enter is ignored while an older
  // validation error is shown, so press it until the box closes or moves on to another value — waiting after each
  // press long enough that a second Enter never lands in the editor behind a box that is closing.
  const taken = () =>
    page.evaluate((t) => {
      const el = document.querySelector('.quick-input-widget input');
      return !el || !el.checkVisibility() || el.value !== t;
    }, text);
  for (let i = 0; i < 10; i++) {
    await sleep(250);
    await page.keyboard.press('Enter');
    for (let j = 0; j < 20; j++) {
      if (await taken()) return;
      await sleep(100);
    }
  }
  throw new Error(`The input box did not accept "${text.slice(0, 40)}…"`);
}

/**
 * Wait for a notification containing `text`. Headless, the workbench files notifications in the notification center
 * rather than showing toasts, so this opens the center, waits for the text, and closes it again.
 */
export async function waitForNotification(page, text, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const toast = page.locator('.notification-toast').filter({ hasText: text });
    if (await toast.count()) return (await toast.first().innerText()).trim();
    await runCommand(page, 'Notifications: Show Notifications');
    const center = page.locator('.notifications-center');
    const item = center.locator('.notification-list-item').filter({ hasText: text });
    // The palette offers Hide Notifications only while the center is shown; it was seen closed again by the time the
    // test looked (a full run: 60 s of a palette without that command). A center that is not shown needs no hiding.
    const hide = async () => {
      if (await center.isVisible()) await runCommand(page, 'Notifications: Hide Notifications');
    };
    try {
      await item.first().waitFor({ timeout: 1_000 });
      const found = (await item.first().innerText()).trim();
      await hide();
      return found;
    } catch {
      const seen = (await center.isVisible()) ? await center.innerText().catch(() => '(no notification center)') : '(the center is not shown)';
      await hide();
      if (Date.now() > deadline) {
        await screenshot(page, 'notification-timeout').catch(() => undefined);
        throw new Error(`No notification with "${text}" within ${timeout} ms; the notification center shows: ${seen.replace(/\s+/g, ' ')}`);
      }
    }
    await sleep(500);
  }
}

/** The Explorer row of a file or folder, by its name. */
export function explorerRow(page, name) {
  return page.locator(`.explorer-folders-view .monaco-list-row[aria-label=${JSON.stringify(name)}]`).first();
}

/**
 * Describe Image's status-bar item ("Describe Image: Choose Model", or the model chosen), by the name a screen reader
 * reads. The extension contributes it when it starts (onStartupFinished), after the workbench has registered the
 * extension's commands and menus: once a person sees it, a right-click menu lists Describe Image.
 */
export function extensionStatusItem(page) {
  return page.locator('.part.statusbar .statusbar-item[aria-label^="Describe Image"]').first();
}

/**
 * Wait until the workbench shows that Describe Image is there, as a person sees it: its status-bar item. Every UI
 * test with the extension starts here (see startSession in test/ui/harness.ts). Until then, a menu opened on an image
 * has no Describe Image (the extension host registers the extension some seconds after the workbench shows; on a busy
 * machine, later).
 */
export async function waitForExtension(page, timeout = 120_000) {
  await extensionStatusItem(page).waitFor({ timeout });
}

/**
 * Right-click the Explorer row `row` and choose `item` from its context menu, as a person does (the item under the
 * pointer, then Enter: the menu does not always take a synthetic click). A context menu is a snapshot of the commands
 * registered when it opened and never gains one later: when `item` is not in it, the menu is closed and opened again,
 * once the workbench shows the extension (its status-bar item), at most `attempts` times. `screenshot`: a name to save
 * the open menu under, before the item is chosen.
 */
export async function pickFromContextMenu(page, row, item, { attempts = 4, screenshot: shot } = {}) {
  const menu = page.locator('.context-view .monaco-menu');
  const entry = menu.getByRole('menuitem', { name: item, exact: true });
  const seen = [];
  for (let attempt = 1; attempt <= attempts; attempt++) {
    await explorerRow(page, row).click({ button: 'right' });
    // The menu shows with all its items at once: what it lists now is all it will list.
    await menu.getByRole('menuitem').first().waitFor({ timeout: 30_000 });
    if (await entry.count()) {
      await entry.hover();
      if (shot) await screenshot(page, shot);
      await page.keyboard.press('Enter');
      await menu.waitFor({ state: 'hidden', timeout: 30_000 });
      return;
    }
    seen.push(`attempt ${attempt}: ${(await menu.getByRole('menuitem').allInnerTexts()).map((t) => t.split('\n')[0]).join(', ')}`);
    await screenshot(page, `context-menu-without-${item.replace(/[^A-Za-z0-9]+/g, '-')}-${attempt}`).catch(() => undefined);
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden', timeout: 30_000 });
    await waitForExtension(page);
  }
  throw new Error(`The context menu of ${row} did not list "${item}" in ${attempts} openings; it listed: ${seen.join('; ')}`);
}

/** Save a screenshot under test-results/screenshots/. */
export async function screenshot(page, name) {
  const dir = path.join(resultsDir, 'screenshots');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

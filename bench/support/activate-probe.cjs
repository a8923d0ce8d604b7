// Loads a built dist/extension.js in plain Node with a stand-in `vscode` module, calls activate(), and prints (JSON)
// the JavaScript bytes read and the time spent: what every VS Code window pays when the extension activates.
// Then, optionally, loads the bundle files a first use needs (`--then name=file1,file2 …`), each measured on its own.
// Usage: node bench/support/activate-probe.cjs <dist folder> [--then describe=core-describe.js,… ...]
'use strict';
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');

const dist = path.resolve(process.argv[2] ?? 'dist');
const read = [];
const compileJs = Module._extensions['.js'];
Module._extensions['.js'] = function (module, filename) {
  read.push([path.relative(dist, filename), fs.statSync(filename).size]);
  return compileJs(module, filename);
};

/** A stand-in for any part of the VS Code API: callable, constructible, every property another stand-in. */
function standIn(name) {
  const target = function () {};
  return new Proxy(target, {
    get(t, p) {
      if (p === 'then') return undefined; // not a promise
      if (p === Symbol.toPrimitive) return () => name;
      if (p === Symbol.iterator) return function* () {};
      if (!Object.prototype.hasOwnProperty.call(t, p)) Object.defineProperty(t, p, { value: standIn(`${name}.${String(p)}`), writable: true, configurable: true });
      return t[p];
    },
    set(t, p, v) {
      Object.defineProperty(t, p, { value: v, writable: true, configurable: true });
      return true;
    },
    apply: () => standIn(`${name}()`),
    construct: () => standIn(`new ${name}`),
  });
}
// esbuild's CommonJS interop copies the module's own names: list the API's namespaces and classes the code uses.
const API = `authentication commands env extensions languages lm window workspace l10n CancellationError
  CancellationTokenSource CodeAction CodeActionKind ConfigurationTarget DataTransfer Diagnostic DiagnosticSeverity Disposable
  DocumentDropEdit DocumentDropOrPasteEditKind DocumentPasteEdit EventEmitter ExtensionMode LanguageModelChatMessage
  LanguageModelDataPart LanguageModelError LanguageModelTextPart LanguageModelToolResult MarkdownString Position
  ProgressLocation QuickPickItemKind Range Selection StatusBarAlignment TabInputCustom TabInputText ThemeColor ThemeIcon UIKind
  Uri ViewColumn WorkspaceEdit`.split(/\s+/);
const vscode = Object.fromEntries(API.map((n) => [n, standIn(`vscode.${n}`)]));
vscode.l10n.t = (message, ...args) => String(message).replace(/\{(\d+)\}/g, (_, i) => String(args[i]));
vscode.ExtensionMode.Production = 1;
vscode.ExtensionMode.Test = 3;
vscode.UIKind.Desktop = 1;
vscode.UIKind.Web = 2;
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
};
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };

const context = {
  subscriptions: [],
  extensionMode: 1,
  extension: { packageJSON: { version: '0.0.0' }, id: 'describe-image.describe-image' },
  extensionPath: path.dirname(dist),
  extensionUri: standIn('extensionUri'),
  globalStorageUri: standIn('globalStorageUri'),
  globalState: standIn('globalState'),
  workspaceState: standIn('workspaceState'),
  secrets: standIn('secrets'),
};

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const t0 = process.hrtime.bigint();
const extension = require(path.join(dist, 'extension.js'));
extension.activate(context);
const activation = { ms: ms(t0), bytes: read.reduce((n, [, b]) => n + b, 0), files: read.map(([f]) => f), registered: context.subscriptions.length };

const then = {};
const thenArg = process.argv.indexOf('--then');
for (const spec of thenArg > 0 ? process.argv.slice(thenArg + 1) : []) {
  const [name, files] = spec.split('=');
  const before = read.length;
  const t1 = process.hrtime.bigint();
  for (const f of files.split(',')) require(path.join(dist, f));
  then[name] = { ms: ms(t1), bytes: read.slice(before).reduce((n, [, b]) => n + b, 0), files: read.slice(before).map(([f]) => f) };
}
process.stdout.write(`${JSON.stringify({ activation, then })}\n`);

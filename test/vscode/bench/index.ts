/**
 * Not a test suite: the benchmark of the extension's streaming document, run inside code-server's extension host by
 * bench/sections/streaming.mjs. Writes its numbers to test-results/bench-editor-stream.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeImages } from '../../../src/core/describe';
import { resolveSettings } from '../../../src/core/base';
import type { TestApi } from '../../../src/extension';
import { testResultsDir } from '../../support/paths';
import { StubUi } from '../stubUi';
import { apiKeyCredential } from '../../../src/core/net';

const TOKENS = 2000;
const RUNS = 5;
const KEY = 'bench-key-not-secret';

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

export async function run(): Promise<void> {
  const body = [
    `data: ${JSON.stringify({ id: '', choices: [], prompt_filter_results: [] })}\n\n`,
    ...Array.from({ length: TOKENS }, (_, i) => `data: ${JSON.stringify({ id: 'c', model: 'bench', choices: [{ index: 0, delta: { content: `w${i} ` }, finish_reason: null }] })}\n\n`),
    `data: ${JSON.stringify({ id: 'c', model: 'bench', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`,
    `data: ${JSON.stringify({ id: 'c', choices: [], usage: { prompt_tokens: 100, completion_tokens: TOKENS, total_tokens: TOKENS + 100 } })}\n\n`,
    'data: [DONE]\n\n',
  ];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', async () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < body.length; i++) {
        res.write(body[i]);
        if (i % 50 === 49) await new Promise((r) => setImmediate(r));
      }
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ext = vscode.extensions.getExtension<TestApi>('describe-image.describe-image');
  const api = await ext?.activate();
  api?.setUi(new StubUi());
  const c = vscode.workspace.getConfiguration('describeImage');
  await c.update('endpoint', url, vscode.ConfigurationTarget.Global);
  await c.update('deployment', 'bench', vscode.ConfigurationTarget.Global);
  await vscode.commands.executeCommand('describeImage.setApiKey', KEY);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!folder) throw new Error('no workspace');
  const image = vscode.Uri.joinPath(folder, 'images', 'ui.png');
  const core: number[] = [];
  const command: number[] = [];
  let edits = 0;
  for (let i = 0; i < RUNS + 1; i++) {
    let t = performance.now();
    await describeImages({ settings: resolveSettings({ endpoint: url, deployment: 'bench' }), credential: apiKeyCredential(KEY), sources: [image.fsPath], stream: true, onEvent: () => undefined });
    if (i > 0) core.push(performance.now() - t);
    let changes = 0;
    const sub = vscode.workspace.onDidChangeTextDocument((e) => e.document.isUntitled && changes++);
    t = performance.now();
    const doc = await vscode.commands.executeCommand<vscode.TextDocument>('describeImage.describe', image);
    if (i > 0) command.push(performance.now() - t);
    sub.dispose();
    edits = changes;
    if (!doc || !doc.getText().includes(`w${TOKENS - 1}`)) throw new Error('the document did not receive the whole answer');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  server.close();
  mkdirSync(testResultsDir, { recursive: true });
  writeFileSync(path.join(testResultsDir, 'bench-editor-stream.json'), JSON.stringify({ tokens: TOKENS, runs: RUNS, coreMs: median(core), commandMs: median(command), edits }, null, 2));
}

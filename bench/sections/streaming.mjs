// Streaming: time from the server's first content byte to the first text visible in the CLI's output, streamed versus
// not streamed, for a 2,000-token answer paced like a fast model (1 ms per token). And the extension's document-update
// overhead for the same answer (measured inside code-server by test/vscode/bench/; skipped if it is not set up).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fmtMs, median, repoRoot, table } from '../lib.mjs';

const TOKENS = 2000;
const RUNS = 5;
const KEY = 'bench-key-not-secret';
const words = Array.from({ length: TOKENS }, (_, i) => (i === 0 ? 'FIRSTWORD ' : `w${i} `));

function sse(o) {
  return `data: ${typeof o === 'string' ? o : JSON.stringify(o)}\n\n`;
}

/** An Azure-like server that writes a 2,000-token answer at 1 ms per token and records when the first content left. */
async function startServer() {
  const marks = [];
  const server = http.createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    const streamed = JSON.parse(body).stream === true;
    const usage = { prompt_tokens: 100, completion_tokens: TOKENS, total_tokens: TOKENS + 100 };
    if (!streamed) {
      // The same generation time, delivered at once at the end.
      const t0 = performance.now() + performance.timeOrigin;
      await new Promise((r) => setTimeout(r, TOKENS * 1));
      marks.push(t0);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'x', model: 'bench', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: words.join('') } }], usage }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(sse({ id: '', choices: [], prompt_filter_results: [] }));
    for (let i = 0; i < TOKENS; i++) {
      if (i === 0) marks.push(performance.now() + performance.timeOrigin);
      res.write(sse({ id: 'c', model: 'bench', choices: [{ index: 0, delta: { content: words[i] }, finish_reason: null }] }));
      if (i % 10 === 9) await new Promise((r) => setTimeout(r, 10));
    }
    res.write(sse({ id: 'c', model: 'bench', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }));
    res.write(sse({ id: 'c', choices: [], usage }));
    res.end(sse('[DONE]'));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, marks, url: `http://127.0.0.1:${server.address().port}` };
}

function firstTextLatency(url, marks, streamFlag) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), path.join(repoRoot, 'test/fixtures/images/ui.png'), streamFlag, '--endpoint', url, '--deployment', 'bench'], {
      env: { PATH: process.env.PATH, AZURE_OPENAI_API_KEY: KEY },
    });
    let seen;
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (seen === undefined && out.includes('FIRSTWORD')) seen = performance.now() + performance.timeOrigin;
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 && seen !== undefined ? resolve(seen - marks.at(-1)) : reject(new Error(`cli exit ${code}`))));
  });
}

export async function run() {
  const { server, marks, url } = await startServer();
  const rows = [];
  try {
    for (const flag of ['--stream', '--no-stream']) {
      const samples = [];
      for (let i = 0; i < RUNS; i++) samples.push(await firstTextLatency(url, marks, flag));
      rows.push([`CLI ${flag}`, fmtMs(median(samples)), `${fmtMs(Math.min(...samples))} – ${fmtMs(Math.max(...samples))}`]);
    }
  } finally {
    server.close();
  }
  const lines = [
    '## Streaming',
    '',
    `A ${TOKENS}-token answer written at about 1 ms per token by a local server; ${RUNS} runs each, medians.`,
    '',
    table(['first text visible in the CLI output, after the model starts writing', 'median', 'range'], rows),
    '',
  ];
  const editorFile = path.join(repoRoot, 'test-results', 'bench-editor-stream.json');
  const vscodeReady = existsSync(path.join(repoRoot, '.vscode-test', 'code-server', 'node_modules', 'code-server'));
  if (vscodeReady) {
    const code = await new Promise((resolve) => {
      const child = spawn(process.execPath, [path.join(repoRoot, 'test/harness/run-integration.mjs'), '--tests', path.join(repoRoot, 'out/test/vscode/bench/index.js')], { stdio: ['ignore', 'ignore', 'inherit'] });
      child.on('close', resolve);
    });
    if (code === 0 && existsSync(editorFile)) {
      const r = JSON.parse(readFileSync(editorFile, 'utf8'));
      lines.push(
        `Extension (inside code-server's extension host, ${r.runs} runs, medians): the same ${r.tokens}-token answer streamed as fast as the local server can send it.`,
        '',
        table(
          ['measure', 'median'],
          [
            ['core alone (parse the stream, no editor)', fmtMs(r.coreMs)],
            ['Describe Image command, document filled in as text arrives', fmtMs(r.commandMs)],
            ['overhead: open the document, batched updates, footer', `${fmtMs(r.commandMs - r.coreMs)} (${r.edits} batched edits)`],
          ],
        ),
        '',
      );
    } else {
      lines.push(`Extension document-update overhead: the code-server run failed (exit ${code}); see test-results/logs.`, '');
    }
  } else {
    lines.push('Extension document-update overhead: not measured (run `bash scripts/setup-vscode-test.sh` first).', '');
  }
  return lines.join('\n');
}

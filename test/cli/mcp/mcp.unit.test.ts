/**
 * `describe-image mcp`, the built CLI in its own process under the network guard, driven by the MCP SDK's own client
 * over stdio: the tool list and its schemas, each tool against the Azure-like server (or no server at all), paths
 * outside the roots refused before anything is read or sent, the client's roots (and their change), a missing key,
 * a cancelled call that closes its request and leaves the server serving, and a clean exit on stdin end and SIGINT.
 * The key never appears in a result or on stderr; nothing leaves this machine.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ListRootsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { inputJsonSchema, MCP_TOOLS } from '../../../src/core/agent';
import { findImages } from '../../../src/core/finders';
import { AzureLikeServer, defaultAnswer } from '../../support/azureServer';
import { cliPath, image, networkGuard, repoRoot, workerCounter } from '../../support/paths';

const server = new AzureLikeServer();
const SAMPLE = path.join(repoRoot, 'media', 'sample-screenshot.png');
let tmp = '';
/** The folder the server starts in (its root when the client lists none). */
let work = '';
/** A folder beside it, outside the server's roots. */
let outside = '';
let guardLog = '';
const open: Session[] = [];

interface Session {
  readonly client: Client;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  close(): Promise<void>;
}

interface SessionOptions {
  readonly env?: Record<string, string>;
  /** The folder the server starts in (default: work). */
  readonly cwd?: string;
  readonly args?: readonly string[];
  /** Folders the client lists as its roots (the client then has the roots capability). */
  readonly roots?: () => readonly string[];
  /** Called each time the server asks for the roots. */
  readonly onRootsAsked?: () => void;
}

/** Start `describe-image mcp` under the network guard and connect the SDK's client to it. */
async function session(options: SessionOptions = {}): Promise<Session> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--require', networkGuard, cliPath, 'mcp', ...(options.args ?? [])],
    cwd: options.cwd ?? work,
    env: { PATH: process.env['PATH'] ?? '', NETWORK_GUARD_LOG: guardLog, ...options.env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const client = new Client({ name: 'describe-image-tests', version: '1.0.0' }, { capabilities: options.roots ? { roots: { listChanged: true } } : {} });
  const roots = options.roots;
  if (roots) {
    client.setRequestHandler(ListRootsRequestSchema, () => {
      options.onRootsAsked?.();
      return { roots: roots().map((r) => (/^[a-z]+:/.test(r) ? { uri: r } : { uri: pathToFileURL(r).href, name: path.basename(r) })) };
    });
  }
  await client.connect(transport);
  const s: Session = {
    client,
    stderr: () => stderr,
    close: async () => {
      await client.close();
      assert.ok(!stderr.includes(server.key), 'the key never appears on stderr');
    },
  };
  open.push(s);
  return s;
}

function textOf(result: Awaited<ReturnType<Client['callTool']>>): string {
  return (result as CallToolResult).content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

async function call(s: Session, name: string, args: Record<string, unknown>, options: Parameters<Client['callTool']>[2] = {}): Promise<{ text: string; isError: boolean; result: CallToolResult }> {
  const result = (await s.client.callTool({ name, arguments: args }, undefined, options)) as CallToolResult;
  assert.ok(!JSON.stringify(result).includes(server.key), 'the key never appears in a result');
  return { text: textOf(result), isError: result.isError === true, result };
}

const azureEnv = () => ({ AZURE_OPENAI_ENDPOINT: server.url, AZURE_OPENAI_DEPLOYMENT: 'gpt-4o', AZURE_OPENAI_API_KEY: server.key });
const sent = () => server.requests.filter((r) => r.status !== 0);

const DOCS: Record<string, string> = {
  'docs/guide.md': '# Guide\n\nOpen the settings.\n\n![](img/ui.png)\n\nThen save.\n',
  'docs/other.md': 'A photo: ![image](img/photo.jpg) and ![Settings panel](img/ui.png)\n',
  'docs/case.md': '![Settings panel](img/UI.png)\n\n![img_0042](img/gone.png)\n',
};

before(async () => {
  await server.start();
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'di-mcp-')));
  work = path.join(tmp, 'work');
  outside = path.join(tmp, 'outside');
  guardLog = path.join(tmp, 'network-guard.log');
  await fs.mkdir(path.join(work, 'docs', 'img'), { recursive: true });
  await fs.mkdir(outside, { recursive: true });
  await fs.copyFile(SAMPLE, path.join(work, 'dialog.png'));
  await fs.copyFile(image('ui.png'), path.join(work, 'ui.png'));
  await fs.copyFile(image('ui.png'), path.join(work, 'docs', 'img', 'ui.png'));
  await fs.copyFile(image('photo.jpg'), path.join(work, 'docs', 'img', 'photo.jpg'));
  await fs.copyFile(image('ui.png'), path.join(outside, 'secret.png'));
  await fs.writeFile(path.join(outside, 'secret.md'), '![](secret.png)\n');
  await fs.symlink(path.join(outside, 'secret.png'), path.join(work, 'link-out.png'));
  await fs.symlink(outside, path.join(work, 'docs-out'));
});
after(async () => {
  await server.stop();
  await fs.rm(tmp, { recursive: true, force: true });
});
beforeEach(async () => {
  server.requests.length = 0;
  server.script.length = 0;
  server.answer = undefined;
  for (const [rel, text] of Object.entries(DOCS)) await fs.writeFile(path.join(work, rel), text);
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  assert.equal(existsSync(guardLog) ? readFileSync(guardLog, 'utf8') : '', '', 'nothing tried to leave this machine');
});

describe('describe-image mcp', { timeout: 120_000 }, () => {
  it('initializes and lists the four tools with the JSON Schemas generated from their zod schemas', async () => {
    const s = await session();
    assert.equal(s.client.getServerVersion()?.name, 'describe-image');
    assert.ok(s.client.getServerCapabilities()?.tools, 'tools capability');
    const { tools } = await s.client.listTools();
    assert.deepEqual(tools.map((t) => t.name), ['describeImage', 'extractText', 'altTextCheck', 'altTextFix']);
    for (const def of MCP_TOOLS) {
      const tool = tools.find((t) => t.name === def.name);
      assert.ok(tool);
      assert.deepEqual(tool.inputSchema, inputJsonSchema(def), `${def.name}: inputSchema`);
      assert.equal(tool.description, def.description);
      assert.equal(tool.annotations?.readOnlyHint, !def.writes, `${def.name}: readOnlyHint`);
    }
  });

  it('describeImage: the description as Markdown with the image linked relative to the root; the key is sent, never shown', async () => {
    // The fake model echoes the key it received: the server must still never show it.
    server.answer = (req) => `${defaultAnswer(req)} Key: ${String(req.headers['api-key'])}.`;
    const s = await session({ env: azureEnv() });
    const r = await call(s, 'describeImage', { paths: ['ui.png'], prompt: 'What does the panel show?', detail: 'low' });
    assert.equal(r.isError, false, r.text);
    assert.match(r.text, /^# Description of ui\.png\n\n!\[ui\.png\]\(ui\.png\)\n/);
    assert.match(r.text, /The fake model saw 1 image\(s\): image 1 is a 160x100 image\/png/);
    assert.match(r.text, /It was asked: "What does the panel show\?"/);
    assert.match(r.text, /Key: \[REDACTED\]\./);
    assert.match(r.text, /\*\*Model:\*\* gpt-4o-2024-08-06 \(deployment `gpt-4o`\)/);
    const [req] = sent();
    assert.equal(sent().length, 1);
    assert.equal(req?.headers['api-key'], server.key);
    assert.equal(req?.images[0]?.detail, 'low');
  });

  it('extractText: the words of a screenshot with the mean confidence, with no configuration and no server', async () => {
    const s = await session();
    const progress: number[] = [];
    const r = await call(s, 'extractText', { paths: ['dialog.png', path.join(work, 'ui.png')] }, { onprogress: (p) => progress.push(p.progress) });
    assert.equal(r.isError, false, r.text);
    assert.equal(r.result.content.length, 2, 'one text per image');
    assert.match(r.text, /^# Text in dialog\.png\n\n!\[dialog\.png\]\(dialog\.png\)\n/);
    for (const words of ['Sync failed', 'ECONNREFUSED 10.0.0.12:443']) assert.ok(r.text.includes(words), `"${words}" was read:\n${r.text}`);
    assert.match(r.text, /mean confidence \d+ %/);
    assert.deepEqual(progress, [0, 1], 'progress before each image is read');
    assert.equal(server.requests.length, 0);
  });

  it('altTextCheck: the findings as JSON text and as structured content', async () => {
    const s = await session();
    const r = await call(s, 'altTextCheck', { paths: ['docs'] });
    assert.equal(r.isError, false, r.text);
    const [summary, json] = r.result.content.map((c) => (c.type === 'text' ? c.text : ''));
    assert.equal(summary, '5 finding(s) in 3 file(s); 3 file(s) checked.');
    const report = JSON.parse(json ?? '') as { files: number; findings: { file: string; line: number; rule: string }[] };
    assert.deepEqual(r.result.structuredContent, report);
    assert.equal(report.files, 3);
    assert.deepEqual(report.findings.map((f) => `${f.file}:${f.line} ${f.rule}`), [
      'docs/case.md:1 image-path-case',
      'docs/case.md:3 alt-uninformative',
      'docs/case.md:3 image-missing',
      'docs/guide.md:5 alt-missing',
      'docs/other.md:1 alt-uninformative',
    ]);
    const quiet = await call(s, 'altTextCheck', { paths: ['docs/**/*.md'], disable: ['image-missing', 'image-path-case'] });
    assert.deepEqual((quiet.result.structuredContent as typeof report).findings.map((f) => f.rule).sort(), ['alt-missing', 'alt-uninformative', 'alt-uninformative']);
    // A path that does not exist, or a glob that matches nothing, is an error, not "0 finding(s)".
    for (const [paths, message] of [
      [['nothere.md'], 'nothere.md: no such file or folder.'],
      [['docs/**/*.rst'], 'docs/**/*.rst matches no Markdown, MDX, HTML, JSX or TSX file (node_modules, .git, hidden files and what .gitignore says are left out).'],
    ] as const) {
      const none = await call(s, 'altTextCheck', { paths });
      assert.equal(none.isError, true, none.text);
      assert.equal(none.text, message);
    }
    const bad = await call(s, 'altTextCheck', { paths: ['docs'], disable: ['no-such-rule'] });
    assert.equal(bad.isError, true);
    assert.match(bad.text, /^altTextCheck: the input is not valid \(disable\.0: /);
  });

  it('altTextFix: a dry run returns the diff and writes nothing; then the write is what the diff showed, read back by the parser', async () => {
    server.answer = (req) => `Image of a ${req.images[0]?.width}x${req.images[0]?.height} settings panel | with "quotes" and <b>.`;
    const s = await session({ env: azureEnv() });
    const dry = await call(s, 'altTextFix', { paths: ['docs'], rewriteUninformative: true });
    assert.equal(dry.isError, false, dry.text);
    const [summary, diff] = dry.result.content.map((c) => (c.type === 'text' ? c.text : ''));
    assert.equal(
      summary,
      [
        'skipped docs/case.md:3:1: no such file: img/gone.png; not sent',
        'would fill 2 of 2 image(s) in 2 file(s); 2 request(s) sent, 0 from the cache, 0 duplicate(s).',
        'Nothing was written: call altTextFix again with dryRun false to write these changes.',
      ].join('\n'),
    );
    assert.equal(
      diff,
      [
        '--- a/docs/guide.md',
        '+++ b/docs/guide.md',
        '@@ -2,6 +2,6 @@',
        ' ',
        ' Open the settings.',
        ' ',
        '-![](img/ui.png)',
        '+![A 160x100 settings panel \\| with "quotes" and \\<b>.](img/ui.png)',
        ' ',
        ' Then save.',
        '--- a/docs/other.md',
        '+++ b/docs/other.md',
        '@@ -1,1 +1,1 @@',
        '-A photo: ![image](img/photo.jpg) and ![Settings panel](img/ui.png)',
        '+A photo: ![A 120x80 settings panel \\| with "quotes" and \\<b>.](img/photo.jpg) and ![Settings panel](img/ui.png)',
        '',
      ].join('\n'),
    );
    for (const [rel, text] of Object.entries(DOCS)) assert.equal(await fs.readFile(path.join(work, rel), 'utf8'), text, `${rel} is untouched`);

    const write = await call(s, 'altTextFix', { paths: ['docs'], rewriteUninformative: true, fixPathCase: true, dryRun: false });
    assert.equal(write.isError, false, write.text);
    assert.match(write.text, /filled 2 of 2 image\(s\) and fixed the letter case of 1 link\(s\) in 3 file\(s\); 0 request\(s\) sent, 2 from the cache/);
    assert.match(write.text, /Wrote docs\/case\.md, docs\/guide\.md, docs\/other\.md\./);
    assert.equal(sent().length, 2, 'the write used the dry run\'s answers');
    const imagesOf = async (rel: string) => findImages(await fs.readFile(path.join(work, rel), 'utf8'), 'markdown').map((i) => ({ src: i.src, alt: i.alt }));
    assert.deepEqual(await imagesOf('docs/guide.md'), [{ src: 'img/ui.png', alt: 'A 160x100 settings panel | with "quotes" and <b>.' }]);
    assert.deepEqual(await imagesOf('docs/other.md'), [
      { src: 'img/photo.jpg', alt: 'A 120x80 settings panel | with "quotes" and <b>.' },
      { src: 'img/ui.png', alt: 'Settings panel' },
    ]);
    assert.deepEqual(await imagesOf('docs/case.md'), [
      { src: 'img/ui.png', alt: 'Settings panel' },
      { src: 'img/gone.png', alt: 'img_0042' },
    ]);
  });

  it('altTextFix says which images used twice shared one alt text and which got one per use (different contexts)', async () => {
    await fs.mkdir(path.join(work, 'reuse'), { recursive: true });
    await fs.writeFile(path.join(work, 'reuse', 'a.md'), '# Photos\n\n![](../docs/img/photo.jpg)\n\nThe settings look like this:\n\n![](../docs/img/ui.png)\n');
    await fs.writeFile(path.join(work, 'reuse', 'b.md'), '# Photos\n\n![](../docs/img/photo.jpg)\n\nAfter the reset you see:\n\n![](../docs/img/ui.png)\n');
    const s = await session({ env: azureEnv() });
    const r = await call(s, 'altTextFix', { paths: ['reuse'] });
    assert.equal(r.isError, false, r.text);
    assert.equal(sent().length, 3);
    assert.match(r.text, /\n2 uses of docs\/img\/photo\.jpg share one alt text \(same context\); 2 uses of docs\/img\/ui\.png got their own alt text \(different contexts\)\.\n/);
    await fs.rm(path.join(work, 'reuse'), { recursive: true });
  });

  it('altTextFix never rewrites a file that is not UTF-8: it says which and skips it; altTextCheck reports it', async () => {
    const latin1 = Buffer.from('# Café\n\nLe résumé : ![](../docs/img/ui.png)\n', 'latin1');
    await fs.mkdir(path.join(work, 'latin'), { recursive: true });
    await fs.writeFile(path.join(work, 'latin', 'page.md'), latin1);
    try {
      const s = await session({ env: azureEnv() });
      const fix = await call(s, 'altTextFix', { paths: ['latin'], dryRun: false });
      assert.equal(fix.isError, false, fix.text);
      assert.match(fix.text, /^skipped latin\/page\.md:1:1: not valid UTF-8 \(line 1\)/);
      assert.match(fix.text, /in 0 file\(s\)|every image in 0 file\(s\)|nothing to fill in 0 file\(s\)/);
      assert.deepEqual(await fs.readFile(path.join(work, 'latin', 'page.md')), latin1, 'byte for byte as it was');
      assert.equal(sent().length, 0, 'nothing was sent');
      const check = await call(s, 'altTextCheck', { paths: ['latin/page.md'] });
      assert.deepEqual((check.result.structuredContent as { errors: { file: string }[] }).errors.map((e) => e.file), ['latin/page.md']);
    } finally {
      await fs.rm(path.join(work, 'latin'), { recursive: true, force: true });
    }
  });

  it('refuses paths outside the roots (relative, absolute, a link, a glob) before reading or sending anything', async () => {
    const s = await session({ env: azureEnv() });
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['describeImage', { paths: ['../outside/secret.png'] }, /^\.\.\/outside\/secret\.png is outside the workspace \(.*\); tools read only inside it\.$/],
      ['describeImage', { paths: ['ui.png', path.join(outside, 'secret.png')] }, /secret\.png is outside the workspace/],
      ['describeImage', { paths: ['link-out.png'] }, /^link-out\.png is a link that leads outside the workspace; it is not read\.$/],
      ['describeImage', { paths: ['https://example.com/a.png'] }, /give a path to a file in the workspace, not a URL/],
      ['extractText', { paths: ['../outside/secret.png'] }, /is outside the workspace/],
      ['altTextCheck', { paths: ['../outside/*.md'] }, /leads outside/],
      ['altTextFix', { paths: [path.join(outside, '*.md')], dryRun: false }, /is outside/],
      ['describeImage', { paths: [] }, /^describeImage: the input is not valid \(paths: /],
    ];
    for (const [tool, args, message] of cases) {
      const r = await call(s, tool, args);
      assert.equal(r.isError, true, `${tool} ${JSON.stringify(args)}: ${r.text}`);
      assert.match(r.text, message);
      assert.equal(r.result.content.length, 1, 'one sentence');
    }
    // A folder linked from inside that leads out is not searched either.
    const linked = await call(s, 'altTextCheck', { paths: ['docs-out/secret.md'] });
    assert.equal(linked.isError, true, linked.text);
    assert.equal(linked.text, 'docs-out/secret.md is a symbolic link that leads outside the folder; it is not read.');
    assert.equal(server.requests.length, 0, 'nothing was sent');
  });

  it("the client's roots bound the paths (relative to the first), and are read again when they change", async () => {
    const other = path.join(tmp, 'other-root');
    await fs.mkdir(path.join(other, 'pages'), { recursive: true });
    await fs.writeFile(path.join(other, 'pages', 'page.md'), '![](missing.png)\n');
    let roots: readonly string[] = [other];
    let asked = 0;
    let onAsked: (() => void) | undefined;
    const s = await session({ roots: () => roots, onRootsAsked: () => (asked++, onAsked?.()) });
    const inOther = await call(s, 'altTextCheck', { paths: ['pages'] });
    assert.equal(inOther.isError, false, inOther.text);
    assert.match(inOther.text, /^2 finding\(s\) in 1 file\(s\); 1 file\(s\) checked\./);
    const inWork = await call(s, 'extractText', { paths: [path.join(work, 'dialog.png')] });
    assert.equal(inWork.isError, true, 'the current folder is not a root');
    assert.match(inWork.text, new RegExp(`is outside the workspace \\(${other.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)`));

    roots = [work, other];
    const askedAgain = new Promise<void>((resolve) => (onAsked = resolve));
    await s.client.sendRootsListChanged();
    await askedAgain;
    assert.equal(asked, 2);
    const nowInWork = await call(s, 'extractText', { paths: ['dialog.png'] });
    assert.equal(nowInWork.isError, false, nowInWork.text);
    assert.match(nowInWork.text, /Sync failed/);
    const stillOther = await call(s, 'altTextCheck', { paths: [path.join(other, 'pages')] });
    assert.equal(stillOther.isError, true, 'alt-text paths stay inside the first root');
    assert.match(stillOther.text, /is outside/);
    assert.match(s.stderr(), /roots: /);
  });

  /**
   * Roots the SDK accepts (every one a file:// URI) that are not folders on this machine: a file, a folder that does
   * not exist, a folder on another host. The server's own filter has to leave them out.
   */
  const notFolders = () => [pathToFileURL(path.join(work, 'ui.png')).href, pathToFileURL(path.join(tmp, 'no-such-folder')).href, 'file://fileserver/share/docs'];

  it('a client whose roots are all file:// URIs but none a folder here gets a clear refusal, and says which it left out', async () => {
    const s = await session({ roots: notFolders });
    const r = await call(s, 'altTextCheck', { paths: ['docs'] });
    assert.equal(r.isError, true, r.text);
    assert.match(r.text, /^The MCP client lists no folder \(roots\) to work in: /);
    const e = await call(s, 'extractText', { paths: [path.join(work, 'ui.png')] });
    assert.equal(e.isError, true, 'not even the file given as a root is read');
    // The list reached the server's filter (the SDK did not refuse it): each one is named as left out.
    for (const uri of notFolders()) assert.ok(s.stderr().includes(uri), `${uri} is named on stderr:\n${s.stderr()}`);
    assert.doesNotMatch(s.stderr(), /could not be read/);
  });

  it('a mixed list of roots: the folders are the roots (the first folder is where paths start), the rest are left out', async () => {
    const other = path.join(tmp, 'mixed-other');
    await fs.mkdir(other, { recursive: true });
    await fs.copyFile(SAMPLE, path.join(other, 'shot.png'));
    const s = await session({ roots: () => [...notFolders(), work, other] });
    const check = await call(s, 'altTextCheck', { paths: ['docs'] });
    assert.equal(check.isError, false, check.text);
    assert.match(check.text, /^5 finding\(s\) in 3 file\(s\); 3 file\(s\) checked\./, 'docs/ is found in work, the first folder');
    const read = await call(s, 'extractText', { paths: [path.join(other, 'shot.png')] });
    assert.equal(read.isError, false, read.text);
    assert.match(read.text, /Sync failed/);
    const missing = await call(s, 'extractText', { paths: [path.join(tmp, 'no-such-folder', 'a.png')] });
    assert.equal(missing.isError, true);
    assert.match(missing.text, /is outside the workspace/);
    assert.match(s.stderr(), new RegExp(`roots: ${work.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, `));
  });

  it('started in / or in the home folder with no roots, refuses every path and says how to give a root', async () => {
    const starts: [string, SessionOptions][] = [
      ['/', { cwd: '/', env: { ...azureEnv(), HOME: '/' } }],
      ['the home folder', { cwd: work, env: { ...azureEnv(), HOME: work } }],
      ['a folder above the home folder', { cwd: tmp, env: { ...azureEnv(), HOME: work } }],
    ];
    for (const [where, options] of starts) {
      const s = await session(options);
      const cases: [string, Record<string, unknown>][] = [
        ['extractText', { paths: [path.join(work, 'dialog.png')] }],
        ['extractText', { paths: ['dialog.png'] }],
        ['describeImage', { paths: [path.join(work, 'ui.png')] }],
        ['altTextCheck', { paths: [path.join(work, 'docs')] }],
        ['altTextFix', { paths: [path.join(work, 'docs')], dryRun: false }],
      ];
      for (const [tool, args] of cases) {
        const r = await call(s, tool, args);
        assert.equal(r.isError, true, `started in ${where}: ${tool} ${JSON.stringify(args)} was not refused: ${r.text}`);
        assert.match(r.text, /^No folder to work in: the server was started in .* and the MCP client lists no roots\. Give the folder with --root DIR in the server's arguments, or use a client that lists its roots\.$/, `${where}: ${r.text}`);
      }
      assert.match(s.stderr(), /no folder to work in/i, 'said at start too');
    }
    assert.equal(server.requests.length, 0, 'nothing was sent');
    for (const [rel, text] of Object.entries(DOCS)) assert.equal(await fs.readFile(path.join(work, rel), 'utf8'), text, `${rel} is untouched`);
  });

  it('--root gives the folders to work in (repeatable; paths start in the first); started in /, it reads inside them only', async () => {
    const other = path.join(tmp, 'root-other');
    await fs.mkdir(other, { recursive: true });
    await fs.copyFile(SAMPLE, path.join(other, 'shot.png'));
    const s = await session({ cwd: '/', env: { HOME: '/' }, args: ['--root', work, '--root', other] });
    const read = await call(s, 'extractText', { paths: ['dialog.png', path.join(other, 'shot.png')] });
    assert.equal(read.isError, false, read.text);
    assert.match(read.text, /^# Text in dialog\.png\n\n!\[dialog\.png\]\(dialog\.png\)/);
    const check = await call(s, 'altTextCheck', { paths: ['docs'] });
    assert.match(check.text, /^5 finding\(s\) in 3 file\(s\); 3 file\(s\) checked\./);
    const out = await call(s, 'extractText', { paths: [path.join(outside, 'secret.png')] });
    assert.equal(out.isError, true);
    assert.match(out.text, /is outside the workspace/);
    const up = await call(s, 'extractText', { paths: ['../outside/secret.png'] });
    assert.match(up.text, /is outside the workspace/);

    // A client that lists its roots: they win over --root.
    const withRoots = await session({ args: ['--root', outside], roots: () => [work] });
    const inWork = await call(withRoots, 'extractText', { paths: ['dialog.png'] });
    assert.equal(inWork.isError, false, inWork.text);
    const inRootFlag = await call(withRoots, 'extractText', { paths: [path.join(outside, 'secret.png')] });
    assert.match(inRootFlag.text, /is outside the workspace/);
    // A client that has the roots capability but lists no folder: --root is where the server works.
    const noFolder = await session({ cwd: '/', env: { HOME: '/' }, args: ['--root', work], roots: () => [] });
    const fromFlag = await call(noFolder, 'extractText', { paths: ['dialog.png'] });
    assert.equal(fromFlag.isError, false, fromFlag.text);
  });

  it('a missing key or setting is the call\'s error, with the hint, and nothing is sent', async () => {
    const s = await session({ env: { AZURE_OPENAI_ENDPOINT: server.url, AZURE_OPENAI_DEPLOYMENT: 'gpt-4o' }, args: ['--auth', 'key'] });
    const r = await call(s, 'describeImage', { paths: ['ui.png'] });
    assert.equal(r.isError, true);
    assert.equal(r.text, '--auth key needs the environment variable AZURE_OPENAI_API_KEY (the key is never a flag).', 'as the CLI says it');
    const fix = await call(s, 'altTextFix', { paths: ['docs/guide.md'] });
    assert.equal(fix.isError, true);
    assert.match(fix.text, /AZURE_OPENAI_API_KEY/);
    // The server keeps working for what needs no key.
    const check = await call(s, 'altTextCheck', { paths: ['docs/guide.md'] });
    assert.equal(check.isError, false, check.text);
    assert.equal(server.requests.length, 0, 'no request was made');

    const openai = await session({ args: ['--provider', 'openai', '--model', 'gpt-4.1', '--base-url', 'https://api.openai.com/v1'] });
    const o = await call(openai, 'describeImage', { paths: ['ui.png'] });
    assert.equal(o.isError, true);
    // The CLI's own message names the variable; no hint is added to it (it would say the same again).
    assert.equal(o.text, 'No key is set for api.openai.com: a key is needed for a server that is not on this machine. Set OPENAI_API_KEY.');
    assert.equal(o.text.split('OPENAI_API_KEY').length, 2, 'the variable is named once');
    const none = await session();
    const n = await call(none, 'describeImage', { paths: ['ui.png'] });
    assert.equal(n.isError, true);
    assert.match(n.text, /^No endpoint is set: .* Set AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_DEPLOYMENT in the MCP server's environment/);
  });

  it('a cancelled call closes its request at once, and the server goes on serving', async () => {
    server.script.push({ delayMs: 5000, status: 500, body: { error: { code: '500', message: 'too late' } } });
    const s = await session({ env: azureEnv() });
    const received = once(server.events, 'received');
    const abandoned = once(server.events, 'abandoned');
    const controller = new AbortController();
    const pending = s.client.callTool({ name: 'describeImage', arguments: { paths: ['ui.png'] } }, undefined, { signal: controller.signal });
    await received;
    controller.abort();
    await assert.rejects(pending, /abort/i);
    await abandoned;
    assert.equal(server.requests.length, 0, 'the server closed the request before the slow answer was due');
    const next = await call(s, 'describeImage', { paths: ['ui.png'] });
    assert.equal(next.isError, false, next.text);
    assert.match(next.text, /The fake model saw 1 image/);
    assert.equal(sent().length, 1);
  });
});

describe('describe-image mcp as a process', { timeout: 60_000 }, () => {
  /** The server with raw JSON-RPC lines: stdout must hold nothing else. */
  function start(args: string[] = [], env: Record<string, string> = {}) {
    const child = spawn(process.execPath, ['--require', networkGuard, '--require', workerCounter, cliPath, 'mcp', ...args], {
      cwd: work,
      env: { PATH: process.env['PATH'] ?? '', NETWORK_GUARD_LOG: guardLog, ...env },
    });
    let stdout = '';
    let stderr = '';
    const waiting = new Map<number, (message: Record<string, unknown>) => void>();
    const notifications = new EventEmitter<{ notification: [Record<string, unknown>] }>();
    let seen = 0;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const lines = stdout.split('\n').slice(0, -1);
      for (const line of lines.slice(seen)) {
        if (!line.startsWith('{')) continue; // --help
        const message = JSON.parse(line) as Record<string, unknown>;
        if (message['id'] === undefined) notifications.emit('notification', message);
        else waiting.get(message['id'] as number)?.(message);
      }
      seen = lines.length;
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
    const send = (message: Record<string, unknown>) => child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
    const request = (id: number, method: string, params: Record<string, unknown>) => {
      const answered = new Promise<Record<string, unknown>>((resolve) => waiting.set(id, resolve));
      send({ id, method, params });
      return answered;
    };
    const initialize = async () => {
      await request(1, 'initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } });
      send({ method: 'notifications/initialized' });
    };
    return { child, request, initialize, exited, notifications, stdout: () => stdout, stderr: () => stderr };
  }

  it('exits 0 when stdin ends, after a call has warmed the OCR worker; stdout holds only JSON-RPC', async () => {
    const p = start();
    await p.initialize();
    const answer = await p.request(2, 'tools/call', { name: 'extractText', arguments: { paths: ['dialog.png'] } });
    assert.match(JSON.stringify(answer), /Sync failed/);
    p.child.stdin.end();
    const [code] = await p.exited;
    assert.equal(code, 0, p.stderr());
    for (const line of p.stdout().trim().split('\n')) assert.equal((JSON.parse(line) as { jsonrpc: string }).jsonrpc, '2.0');
    assert.match(p.stderr(), /^describe-image mcp: serving describeImage, extractText, altTextCheck, altTextFix on stdio$/m);
  });

  it('SIGINT during a call ends it (answered as cancelled) and exits 0', async () => {
    const p = start();
    await p.initialize();
    const readingStarted = once(p.notifications, 'notification');
    const answered = p.request(2, 'tools/call', { name: 'extractText', arguments: { paths: ['dialog.png', 'dialog.png', 'dialog.png'] }, _meta: { progressToken: 'p1' } });
    const [progress] = (await readingStarted) as [{ method: string; params: { progress: number; total: number } }];
    assert.deepEqual([progress.method, progress.params.progress, progress.params.total], ['notifications/progress', 0, 3]);
    p.child.kill('SIGINT');
    const answer = (await answered) as { result: CallToolResult };
    assert.equal(answer.result.isError, true);
    assert.deepEqual(answer.result.content, [{ type: 'text', text: 'Cancelled.' }]);
    const [code, signal] = await p.exited;
    assert.equal(code, 0, `${signal ?? ''} ${p.stderr()}`);
  });

  it('--root must name an existing folder: a missing one or a file is refused at start', async () => {
    const missing = start(['--root', path.join(tmp, 'no-such-folder')]);
    assert.equal((await missing.exited)[0], 2);
    assert.match(missing.stderr(), /--root .*no-such-folder: no such folder\./);
    const file = start(['--root', 'ui.png']);
    assert.equal((await file.exited)[0], 2);
    assert.match(file.stderr(), /--root ui\.png is not a folder\./);
    assert.equal(missing.stdout() + file.stdout(), '', 'nothing on the protocol stream');
  });

  it('the OCR workers end when idle (as in VS Code), and the next call starts new ones', async () => {
    const workers = path.join(tmp, 'workers.log');
    await fs.rm(workers, { force: true });
    const p = start([], { DESCRIBE_IMAGE_OCR_IDLE_MS: '300', WORKER_COUNT_LOG: workers });
    const count = async () => {
      const lines = (await fs.readFile(workers, 'utf8').catch(() => '')).split('\n');
      return { started: lines.filter((l) => l === 'start').length, ended: lines.filter((l) => l === 'exit').length };
    };
    const until = async (want: { started: number; ended: number }) => {
      for (let i = 0; i < 100 && JSON.stringify(await count()) !== JSON.stringify(want); i++) await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(await count(), want);
    };
    await p.initialize();
    // One worker per core, two at most, one while every core is busy (src/core/ocr/pool.ts): one or two per call.
    const first = await p.request(2, 'tools/call', { name: 'extractText', arguments: { paths: ['dialog.png'] } });
    assert.match(JSON.stringify(first), /Sync failed/);
    const once = (await count()).started;
    assert.ok(once === 1 || once === 2, `${once} workers read the image`);
    await until({ started: once, ended: once });
    const second = await p.request(3, 'tools/call', { name: 'extractText', arguments: { paths: ['dialog.png'] } });
    assert.match(JSON.stringify(second), /Sync failed/);
    const twice = (await count()).started;
    assert.ok(twice > once && twice <= once + 2, `new workers for the next call (${once}, then ${twice})`);
    await until({ started: twice, ended: twice });
    p.child.stdin.end();
    assert.equal((await p.exited)[0], 0, p.stderr());
  });

  it('refuses bad flags with a pointer to the usage, and prints --help', async () => {
    const bad = start(['--bogus']);
    const [code] = await bad.exited;
    assert.equal(code, 2);
    assert.equal(bad.stderr(), 'describe-image mcp: unknown flag --bogus. Run describe-image mcp --help for usage.\n');
    assert.equal(bad.stdout(), '');
    const key = start(['--api-key', 'abc']);
    assert.equal((await key.exited)[0], 2);
    assert.match(key.stderr(), /there is no --api-key flag/);
    const help = start(['--help']);
    assert.equal((await help.exited)[0], 0);
    assert.match(help.stdout(), /^Usage: describe-image mcp/);
  });
});

/**
 * The npm package describe-image-cli, installed by name with `npm install -g` from a loopback registry into an empty
 * prefix (see install.ts), then used through its bin: the version, alt-text check on a docs folder (findings, then
 * clean), real OCR from the package's own assets, the MCP server answering the SDK's client, and a description from
 * the Azure-like server (sharp, installed from the registry as the package's one dependency, resizes the image).
 * Then the workflow of docs/examples/alt-text.yml: its `run:` steps run verbatim (npx fetches the package by name from
 * the loopback registry), and the README shows that same file. Nothing leaves this machine.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { AzureLikeServer } from '../../support/azureServer';
import { runCliProcess, type CliRun } from '../../support/cli';
import { fixture, image, networkGuard, repoRoot } from '../../support/paths';
import { installCli, type InstalledCli } from './install';
import { readWorkflow, runStep, type WorkflowStep } from './workflow';

const rootPkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string; engines: { node: string } };
const server = new AzureLikeServer();
let cli: InstalledCli;
/** A copy of test/fixtures/ci-docs (a repository with a docs folder). */
let repo = '';

function bin(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runCliProcess(args, { cwd: repo, guardLog: cli.guardLog, command: cli.bin, secrets: [server.key], env: { HOME: cli.tmp, ...env } });
}

/** Give the fixture's images good alt text and drop the link to the missing one. */
async function fixDocs(): Promise<void> {
  const guide = path.join(repo, 'docs', 'getting-started.md');
  const text = (await fs.readFile(guide, 'utf8'))
    .replace('![](images/settings-dialog.png)', '![The Settings dialog with the account and sync options](images/settings-dialog.png)')
    .replace('![screenshot](images/settings-dialog.png)', '![The sync error naming the server it could not reach](images/settings-dialog.png)');
  await fs.writeFile(guide, text);
  const notes = path.join(repo, 'docs', 'release-notes.md');
  await fs.writeFile(notes, (await fs.readFile(notes, 'utf8')).replace(/<img[^\n]*\n/, ''));
}

before(async () => {
  cli = await installCli();
  repo = path.join(cli.tmp, 'repo');
  await fs.cp(fixture('ci-docs'), repo, { recursive: true });
  await server.start();
});
after(async () => {
  await server.stop();
  await cli?.stop();
});

describe('the npm package describe-image-cli', () => {
  it('holds the CLI alone: its bundles and assets, no extension, no source maps, a manifest that installs by name', async () => {
    const { stdout } = await promisify(execFile)('tar', ['-tzf', cli.tarball]);
    const files = stdout.split('\n').filter(Boolean);
    for (const f of ['package/package.json', 'package/README.md', 'package/LICENSE', 'package/dist/cli.js', 'package/dist/core-ocr.js', 'package/dist/assets/resvg.wasm', 'package/dist/assets/ocr/ocr-worker.js', 'package/dist/assets/ocr/eng.traineddata.gz', 'package/dist/assets/fonts/DejaVuSans.ttf']) {
      assert.ok(files.includes(f), `${f} is in the package`);
    }
    for (const f of files) assert.match(f, /^package\/(package\.json|README\.md|LICENSE|dist\/(cli(-[A-Za-z]+)?|core-[A-Za-z]+(-[A-Za-z]+)?)\.js|dist\/assets\/.+)$/, `${f} belongs in the CLI's package`);
    assert.equal(cli.manifest.name, 'describe-image-cli');
    assert.equal(cli.manifest.version, rootPkg.version);
    assert.deepEqual(cli.manifest['bin'], { 'describe-image': 'dist/cli.js' });
    assert.deepEqual(cli.manifest['engines'], { node: rootPkg.engines.node });
    assert.deepEqual(Object.keys(cli.manifest['dependencies'] as object), ['sharp'], 'sharp is what the bundles require at run time');
    const bytes = (await fs.stat(cli.tarball)).size;
    assert.ok(bytes <= 10.5 * 1024 * 1024, `${bytes} bytes: no bigger than the VSIX`);
    assert.deepEqual(cli.registry.missing, [], 'every tarball npm asked for came from the npm cache');
    assert.equal(cli.outside(), '', 'npm reached only the loopback registry');
  });

  it('describe-image --version prints the package version', async () => {
    const r = await bin(['--version']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), rootPkg.version);
  });

  it('alt-text check: exit 1 with the findings, exit 0 once they are fixed', async () => {
    const found = await bin(['alt-text', 'check', 'docs']);
    assert.equal(found.code, 1, found.stderr);
    assert.deepEqual(
      found.stdout.trim().split('\n').map((l) => l.split(' ').slice(0, 2).join(' ')),
      ['docs/getting-started.md:5:1 alt-missing', 'docs/getting-started.md:9:1 alt-uninformative', 'docs/release-notes.md:8:1 alt-missing', 'docs/release-notes.md:8:1 image-missing'],
    );
    const usage = await bin(['alt-text', 'check', 'no-such-docs']);
    assert.equal(usage.code, 2, 'a path that does not exist is a usage error');
    await fs.cp(path.join(repo, 'docs'), path.join(cli.tmp, 'docs-before-fix'), { recursive: true });
    await fixDocs();
    const clean = await bin(['alt-text', 'check', 'docs']);
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    await fs.rm(path.join(repo, 'docs'), { recursive: true });
    await fs.rename(path.join(cli.tmp, 'docs-before-fix'), path.join(repo, 'docs'));
  });

  it('extract-text reads the sample screenshot with the OCR files in the package', async () => {
    const r = await bin(['extract-text', path.join(repoRoot, 'media', 'sample-screenshot.png')]);
    assert.equal(r.code, 0, r.stderr);
    for (const words of ['Acme Notes', 'Sync failed', 'Error: connect ECONNREFUSED 10.0.0.12:443', 'Cancel']) assert.ok(r.stdout.includes(words), `"${words}" was read:\n${r.stdout}`);
  });

  it('describe-image mcp answers initialize and lists its tools to the SDK client', async () => {
    const transport = new StdioClientTransport({
      command: cli.bin,
      args: ['mcp', '--root', repo],
      cwd: repo,
      env: { PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env['PATH'] ?? ''}`, HOME: cli.tmp, NODE_OPTIONS: `--require ${JSON.stringify(networkGuard)}`, NETWORK_GUARD_LOG: cli.guardLog },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'describe-image-package-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      assert.equal(client.getServerVersion()?.version, rootPkg.version);
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), ['altTextCheck', 'altTextFix', 'describeImage', 'extractText']);
      const result = await client.callTool({ name: 'altTextCheck', arguments: { paths: ['docs'] } });
      assert.match(JSON.stringify(result.content), /alt-uninformative/);
    } finally {
      await client.close();
    }
    assert.equal(cli.outside(), '');
  });

  it('describes an image through the Azure-like server, resized by the installed sharp', async () => {
    const r = await bin(['--endpoint', server.url, '--deployment', 'gpt-4o', image('photo.jpg')], { AZURE_OPENAI_API_KEY: server.key });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^# Description of photo\.jpg\n/);
    assert.match(r.stdout, /The fake model saw 1 image\(s\): image 1 is a \d+x\d+ image\/jpeg/);
    assert.equal(server.requests.length, 1);
  });
});

describe('docs/examples/alt-text.yml, the GitHub Actions workflow', () => {
  let steps: readonly WorkflowStep[] = [];
  before(() => {
    steps = readWorkflow(path.join(repoRoot, 'docs', 'examples', 'alt-text.yml'));
  });

  it('runs the package by its name and version, and the READMEs show this very file', () => {
    const text = readFileSync(path.join(repoRoot, 'docs', 'examples', 'alt-text.yml'), 'utf8');
    const runs = steps.filter((s) => s.run !== undefined);
    assert.equal(runs.length, 2);
    for (const s of runs) assert.ok(s.run?.startsWith(`npx --yes ${cli.manifest.name}@${cli.manifest.version} alt-text check `), s.run);
    assert.deepEqual(steps.filter((s) => s.uses).map((s) => s.uses?.split('@')[0]), ['actions/checkout', 'actions/setup-node', 'github/codeql-action/upload-sarif']);
    for (const readme of ['README.md', path.join('docs', 'cli', 'README.md')]) {
      const doc = readFileSync(path.join(repoRoot, readme), 'utf8');
      assert.ok(doc.includes(`\`\`\`yaml\n${text}\`\`\``), `${readme} shows docs/examples/alt-text.yml as it is`);
      const versions = [...doc.matchAll(/describe-image-cli[@-](\d+\.\d+\.\d+[^\s.]*)/g)].map((m) => m[1]);
      assert.ok(versions.length > 0 && versions.every((v) => v === cli.manifest.version), `${readme} names version ${cli.manifest.version} of the package: ${versions.join(', ')}`);
    }
  });

  it('its run steps, as written: SARIF 2.1.0 from the package for code scanning, annotations, and the job fails on findings', async () => {
    const [sarifStep, githubStep] = steps.filter((s) => s.run !== undefined) as [WorkflowStep, WorkflowStep];
    const written = await runStep(sarifStep, repo, cli.npmEnv);
    assert.equal(written.code, 0, `findings (exit 1) do not fail the SARIF step: ${written.stderr}`);
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'));
    const sarif = JSON.parse(await fs.readFile(path.join(repo, String(upload?.with?.['sarif_file'])), 'utf8')) as { version: string; $schema: string; runs: { tool: { driver: { name: string; version: string } }; results: { ruleId: string }[] }[] };
    assert.equal(sarif.version, '2.1.0');
    assert.match(sarif.$schema, /sarif-2\.1\.0/);
    assert.equal(sarif.runs[0]?.tool.driver.name, 'describe-image alt-text');
    assert.equal(sarif.runs[0]?.tool.driver.version, cli.manifest.version);
    assert.deepEqual(sarif.runs[0]?.results.map((r) => r.ruleId), ['alt-missing', 'alt-uninformative', 'alt-missing', 'image-missing']);
    const annotated = await runStep(githubStep, repo, cli.npmEnv);
    assert.equal(annotated.code, 1, 'the job fails on findings');
    assert.match(annotated.stdout, /^::warning file=docs\/getting-started\.md,line=5,col=1/m);
    assert.equal(cli.outside(), '', 'npx reached only the loopback registry');
  });

  it('on clean docs every run step passes, and a typo in the docs path fails the SARIF step (exit 2 is not taken for findings)', async () => {
    await fixDocs();
    for (const step of steps.filter((s) => s.run !== undefined)) {
      const r = await runStep(step, repo, cli.npmEnv);
      assert.equal(r.code, 0, `${step.name}: ${r.stdout}${r.stderr}`);
    }
    const run = steps.find((s) => s.run?.includes('--format sarif'))?.run ?? '';
    assert.ok(run.includes(' docs '));
    const typo = await runStep({ name: 'typo', run: run.replace(' docs ', ' doc ') }, repo, cli.npmEnv);
    assert.notEqual(typo.code, 0, 'a usage error (exit 2) is not taken for findings');
    assert.match(typo.stderr, /doc: no such file or folder/);
  });
});

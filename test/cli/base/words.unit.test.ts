/**
 * The CLI never speaks of VS Code's settings, commands or buttons ("raise the timeout setting", "Choose Model",
 * "Sign In", "Open Settings"…): its messages name flags and environment variables.
 *
 * Two checks, because each misses what the other sees:
 * - Every string literal of every source module the CLI reaches (imports followed from src/cli/index.ts with the
 *   TypeScript parser, dynamic import() too), so a message on a path no test takes is still read. Sources, not the
 *   bundle dist/cli.js: the bundle also holds third-party text we neither write nor show (@azure/identity names its
 *   VS Code credential), which would drown the check in exceptions. Comments are not strings, so they are not read.
 * - The CLI run as a process through many failure paths, for sentences put together at run time from pieces.
 */
import assert from 'node:assert/strict';
import { existsSync, promises as fs, readFileSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import ts from 'typescript';
import { AzureLikeServer } from '../../support/azureServer';
import { runCliProcess } from '../../support/cli';
import { OpenAiLikeServer } from '../../support/openaiServer';
import { image, repoRoot } from '../../support/paths';

/** VS Code's words: its settings, commands and buttons. ("Sign In" as a button; "sign in with `az login`" is fine.) */
const VSCODE_WORDS: readonly RegExp[] = [/\bsettings?\b/i, /Choose Model/i, /Open Settings/i, /Set API Key/i, /Configure Endpoint/i, /Show Log/i, /command palette/i, /status bar/i, /secret storage/i, /\bSign In\b/, /VS Code/];

/** Where the CLI rightly names VS Code or a setting, and why. Each must still be found (a stale entry fails). */
const ALLOWED: readonly { file: string; text: string; why: string }[] = [
  { file: 'src/cli/base/config.ts', text: "VS Code's language models can be used only inside VS Code", why: '--provider vscode: says where those models are' },
  { file: 'src/cli/mcp/usage.ts', text: 'to an agent (Claude, VS Code, Cursor, any MCP client)', why: 'the MCP clients that can start the server' },
  { file: 'src/core/agent/tools.ts', text: 'settings pages', why: 'what a screenshot may show, not a setting of ours' },
  // An agent reads this (not a person at the CLI), and package.json carries the same schema for VS Code's tools.
  { file: 'src/core/agent/tools.ts', text: "(default: the user's setting)", why: "the describeImage tool's schema, shared with package.json" },
];

interface Literal {
  readonly file: string;
  readonly text: string;
}

/** The string literals (and template pieces) of every module reachable from the CLI's entry point. */
function reachableStrings(entry: string): { modules: Set<string>; literals: Literal[] } {
  const modules = new Set<string>();
  const literals: Literal[] = [];
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop() as string;
    if (modules.has(file)) continue;
    modules.add(file);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const follow = (spec: string) => {
      if (!spec.startsWith('.')) return;
      const base = path.resolve(path.dirname(file), spec);
      const found = [`${base}.ts`, path.join(base, 'index.ts')].find((c) => existsSync(c) && statSync(c).isFile());
      assert.ok(found, `${file} imports ${spec}`);
      queue.push(found);
    };
    const visit = (node: ts.Node): void => {
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) follow(node.moduleSpecifier.text);
      else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) follow(node.arguments[0].text);
      else if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
        literals.push({ file: path.relative(repoRoot, file).split(path.sep).join('/'), text: node.text });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { modules, literals };
}

/** The VS Code words in a text, except where allowed. */
function vscodeWords(text: string, file?: string): string[] {
  let rest = text;
  for (const a of ALLOWED) if (file === undefined || a.file === file) rest = rest.split(a.text).join('');
  return VSCODE_WORDS.filter((w) => w.test(rest)).map((w) => `${w.source} in: ${text.slice(0, 200)}`);
}

describe('no VS Code words in the CLI', () => {
  it("no string literal of any module the CLI reaches names VS Code's settings, commands or buttons", () => {
    const { modules, literals } = reachableStrings(path.join(repoRoot, 'src', 'cli', 'index.ts'));
    assert.ok(modules.size > 50 && [...modules].some((m) => m.includes(`${path.sep}core${path.sep}net${path.sep}`)), 'the core the CLI uses is read too');
    // Sentences only: identifiers such as 'open-settings' (an action's id) are not words anyone reads.
    const found = literals.filter((l) => /\s/.test(l.text)).flatMap((l) => vscodeWords(l.text, l.file).map((w) => `${l.file}: ${w}`));
    assert.deepEqual(found, []);
    for (const a of ALLOWED) assert.ok(literals.some((l) => l.file === a.file && l.text.includes(a.text)), `still needed: ${a.file} "${a.text}"`);
  });

  describe('through the failure paths of a run', () => {
    const azure = new AzureLikeServer();
    const openai = new OpenAiLikeServer({ models: ['llava'] });
    let dir = '';
    before(async () => {
      await azure.start();
      await openai.start();
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'di-words-'));
      await fs.mkdir(path.join(dir, 'empty-bin'));
      await fs.mkdir(path.join(dir, 'docs'));
      await fs.copyFile(image('ui.png'), path.join(dir, 'docs', 'ui.png'));
      await fs.writeFile(path.join(dir, 'docs', 'a.md'), '![](ui.png)\n');
    });
    after(async () => {
      await azure.stop();
      await openai.stop();
      await fs.rm(dir, { recursive: true, force: true });
    });

    it('wrong key, unknown deployment or model, a timeout, a cut answer, bad limits, no credential, bad flags: no VS Code words', async () => {
      const az = { AZURE_OPENAI_ENDPOINT: azure.url, AZURE_OPENAI_DEPLOYMENT: 'gpt-4o', AZURE_OPENAI_API_KEY: azure.key };
      const oa = { DESCRIBE_IMAGE_PROVIDER: 'openai', OPENAI_BASE_URL: openai.url, OPENAI_MODEL: 'llava' };
      const runs: [string[], Record<string, string>, RegExp, { slowModel?: true }?][] = [
        [[image('ui.png')], { ...az, AZURE_OPENAI_API_KEY: 'not-the-key-42' }, /401/],
        [['--deployment', 'nope', image('ui.png')], az, /--deployment/],
        [['--model', 'gpt-9', image('ui.png')], oa, /--list-models/],
        [['--timeout', '0.5', '--retries', '0', image('ui.png')], az, /--timeout/, { slowModel: true }],
        [['--max-tokens', '4', image('ui.png')], az, /raise --max-tokens/],
        [['--max-tokens', '0', image('ui.png')], az, /--max-tokens/],
        [['--detail', 'max', image('ui.png')], az, /--detail/],
        [['--dry-run', '--detail', 'max', image('ui.png')], az, /--detail/],
        [[image('ui.png')], { AZURE_OPENAI_ENDPOINT: azure.url, AZURE_OPENAI_DEPLOYMENT: 'gpt-4o', AZURE_TOKEN_CREDENTIALS: 'dev', PATH: path.join(dir, 'empty-bin') }, /AZURE_OPENAI_API_KEY/],
        [['--provider', 'offline', image('ui.png')], az, /extract-text/],
        [['alt-text', 'fix', 'docs'], { ...az, AZURE_OPENAI_API_KEY: 'not-the-key-42' }, /401/],
        [['alt-text', 'fix', '--max-length', '3', 'docs'], az, /--max-length/],
        [['--detial', 'low'], az, /--detail/],
      ];
      for (const [args, env, expected, how] of runs) {
        azure.latencyMs = how?.slowModel ? 2000 : 0;
        const r = await runCliProcess(args, { cwd: dir, guardLog: path.join(dir, 'guard.log'), secrets: [azure.key], env });
        azure.latencyMs = 0;
        const said = r.stdout + r.stderr;
        assert.match(said, expected, `${args.join(' ')}: ${said}`);
        assert.deepEqual(vscodeWords(said), [], `${args.join(' ')}: ${said}`);
      }
    });
  });
});

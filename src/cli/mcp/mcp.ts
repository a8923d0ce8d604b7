/**
 * describe-image mcp: the agent tools (src/core/agent/tools.ts) served over the Model Context Protocol on stdio, with
 * the official SDK. stdout carries the protocol and nothing else; every other line goes to stderr, secrets removed.
 *
 * - Tools: describeImage, extractText, altTextCheck, altTextFix. Input is validated with the same messages as in VS
 *   Code before any file is read or anything is sent; a failure is a tool result with `isError` and one sentence.
 * - Where tools may read (mcpScope.ts): the folders among the client's roots (`roots/list`, re-read on
 *   `notifications/roots/list_changed`; `file://` folders on this machine only) when it lists any; else the `--root`
 *   folders; else the current folder, unless that is the root of the file system or the home folder (or above it):
 *   then every path is refused, saying how to give a folder. Paths are relative to the first folder and stay inside.
 * - Settings and keys come from the CLI's flags and environment, read when a tool needs them: reading text and checking
 *   alt text need none. Keys and tokens never appear in a result, an error or a log line.
 * - A call the client cancels (`notifications/cancelled`) is aborted: the request to the model is closed, OCR stops.
 *   The OCR worker ends after an idle time, as in VS Code (the engine's own idle timer), and starts again when needed.
 *   SIGINT or the end of stdin closes the server (running calls aborted, OCR worker ended) with exit code 0.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, RootsListChangedNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ALT_TEXT_CHECK_MCP_TOOL, ALT_TEXT_FIX_TOOL, DESCRIBE_IMAGE_TOOL, EXTRACT_TEXT_TOOL, MCP_TOOLS, parseToolInput, type PathScope } from '../../core/agent';
import { ChatClient } from '../../core/net';
import { checkReadyToSend, describeImages, renderMarkdown } from '../../core/describe';
import { checkDocs } from '../../core/docs';
import { applyFix, nothingToFixMessage, planFix, type FixAltResult } from '../../core/docs';
import { altProgressText, generateAltTexts, runError, type AltCache, type AltProgress, type AltRunStats } from '../../core/docs';
import { DirectoryCache } from '../../core/docs';
import { detectSites } from '../../core/sites';
import { checkSummary, formatJson } from '../../core/docs';
import { DescribeError, isDescribeError, redact, DEFAULT_ALT_MAX_LENGTH, DOC_FILE_LIMIT, RULE_IDS, type RuleId } from '../../core/base';
import { createDispatcher, proxyFromEnv, undiciTransport } from '../../core/nodeHttp';
import { checkOcrFileSize, OCR_IDLE_MS, OcrEngine, renderOcrMarkdown } from '../../core/ocr';
import type { PreparedImage } from '../../core/images';
import type { DescribeSettings } from '../../core/base';
import { cliCredential, cliHint, cliRaise, cliSettings, ENDPOINT_OPTIONS, parseAuthChoice, parseCliArgs, secretsInEnv, type EndpointFlags } from '../base';
import type { CliIo } from '../base';
import { checkRootFlags, clientFolders, noFolderError, scopeOf, tooWideToWorkIn } from './scope';
import { routeConsoleToStderr, toolListing } from './stdio';
import { MCP_USAGE } from './usage';
import { mcpVerify } from './verify';
import { fixResultText } from './fixText';

declare const __VERSION__: string;

export interface McpIo extends CliIo {
  /** The protocol's streams (default: the process's stdin and stdout). */
  readonly input?: NodeJS.ReadableStream | undefined;
  readonly output?: NodeJS.WritableStream | undefined;
}

type Flags = EndpointFlags & { readonly auth?: string | undefined };

/** How long the OCR worker stays after a call: the engine's idle time; DESCRIBE_IMAGE_OCR_IDLE_MS can only shorten it (tests). */
function ocrIdleMs(env: McpIo['env']): number {
  const shorter = Number(env['DESCRIBE_IMAGE_OCR_IDLE_MS']);
  return Number.isInteger(shorter) && shorter > 0 ? Math.min(shorter, OCR_IDLE_MS) : OCR_IDLE_MS;
}

/** Alt text generated while the server runs: a dry run's answers are what a later write uses (and cost nothing). */
class MemoryAltCache implements AltCache {
  private readonly entries = new Map<string, string>();
  get(key: string): string | undefined {
    return this.entries.get(key);
  }
  set(key: string, alt: string): void {
    this.entries.set(key, alt);
  }
}

const text = (...parts: string[]): CallToolResult => ({ content: parts.map((t) => ({ type: 'text', text: t })) });

/** Run the MCP server until the client goes away (stdin ends) or SIGINT; returns the exit code. */
export async function runMcp(argv: readonly string[], io: McpIo): Promise<number> {
  let parsed;
  try {
    parsed = parseCliArgs('describe-image mcp', argv, { ...ENDPOINT_OPTIONS, root: { type: 'string', multiple: true }, 'api-key': { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const, false);
  } catch (e) {
    io.stderr(`describe-image mcp: ${(e as Error).message}\n`);
    return 2;
  }
  const v = parsed.values;
  if (v.help) {
    io.stdout(`${MCP_USAGE}\n`);
    return 0;
  }
  if (v['api-key'] !== undefined) {
    io.stderr('describe-image mcp: there is no --api-key flag (flags show in process lists): set the environment variable AZURE_OPENAI_API_KEY instead.\n');
    return 2;
  }
  let rootFlags: string[];
  try {
    parseAuthChoice(v.auth);
    rootFlags = await checkRootFlags(v.root ?? [], io.cwd);
  } catch (e) {
    io.stderr(`describe-image mcp: ${(e as Error).message}\n`);
    return 2;
  }
  const server = new McpToolServer(v, rootFlags, io);
  return server.run();
}

class McpToolServer {
  private readonly secrets: Set<string>;
  private readonly server: Server;
  private readonly engine: OcrEngine;
  private readonly dispatcher;
  private readonly altCache = new MemoryAltCache();
  /** Aborts every running call when the server closes. */
  private readonly stopping = new AbortController();
  private readonly running = new Set<Promise<unknown>>();
  /** The model client, made on the first call that needs it (a missing key is that call's error, not the server's). */
  private client: ChatClient | undefined;
  /** The client's roots as folders, when it has the roots capability (re-read when it says they changed). */
  private roots: Promise<string[]> | undefined;
  private closing: Promise<void> | undefined;
  private finished: () => void = () => undefined;
  /** Settles when the server has closed. */
  private readonly done = new Promise<void>((resolve) => (this.finished = resolve));

  constructor(
    private readonly flags: Flags,
    /** The --root folders (checked: existing folders). */
    private readonly rootFlags: readonly string[],
    private readonly io: McpIo,
  ) {
    this.engine = new OcrEngine({ idleMs: ocrIdleMs(io.env) });
    this.secrets = new Set(secretsInEnv(io.env));
    this.dispatcher = createDispatcher(proxyFromEnv(io.env));
    this.server = new Server({ name: 'describe-image', title: 'Describe Image', version: typeof __VERSION__ === 'string' ? __VERSION__ : 'dev' }, { capabilities: { tools: {} } });
    this.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: MCP_TOOLS.map(toolListing) }));
    this.server.setRequestHandler(CallToolRequestSchema, (request, extra) => {
      const tool = MCP_TOOLS.find((t) => t.name === request.params.name);
      if (!tool) throw new McpError(ErrorCode.InvalidParams, `Unknown tool "${request.params.name}": the tools are ${MCP_TOOLS.map((t) => t.name).join(', ')}.`);
      const signal = AbortSignal.any([extra.signal, this.stopping.signal]);
      const progressToken = extra._meta?.progressToken;
      const notes: Promise<void>[] = [];
      const progress = (done: number, total: number, message: string) => {
        if (progressToken === undefined || signal.aborted) return;
        notes.push(extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: done, total, message: this.hide(message) } }).catch(() => undefined));
      };
      // The result goes after every progress notification (the client stops listening for them once it has it).
      const call = this.call(tool.name, request.params.arguments ?? {}, signal, progress).then(async (result) => {
        await Promise.all(notes);
        return result;
      });
      this.running.add(call);
      void call.finally(() => this.running.delete(call));
      return call;
    });
    this.server.oninitialized = () => {
      if (this.server.getClientCapabilities()?.roots) this.readRoots();
      else void this.sayWhereToolsRead();
    };
    this.server.setNotificationHandler(RootsListChangedNotificationSchema, () => {
      this.readRoots();
    });
    this.server.onerror = (e) => this.log(`protocol error: ${e.message}`);
    this.server.onclose = () => void this.close();
  }

  /** Remove every known secret (the environment's, and tokens the clients fetched). */
  private hide(s: string): string {
    return redact(s, [...this.secrets, ...(this.client?.sentSecrets ?? [])]);
  }

  private log(message: string): void {
    this.io.stderr(`describe-image mcp: ${this.hide(message)}\n`);
  }

  async run(): Promise<number> {
    const input = this.io.input ?? process.stdin;
    const output = this.io.output ?? process.stdout;
    // stdout is the protocol's: anything a library prints goes to stderr instead.
    const restoreConsole = output === process.stdout ? routeConsoleToStderr() : () => undefined;
    const transport = new StdioServerTransport(input as NodeJS.ReadStream, output as NodeJS.WriteStream);
    const onEnd = () => void this.close();
    input.once('end', onEnd);
    output.on('error', onEnd); // the client went away (EPIPE)
    this.io.signal?.addEventListener('abort', onEnd, { once: true });
    try {
      await this.server.connect(transport);
      this.log(`serving ${MCP_TOOLS.map((t) => t.name).join(', ')} on stdio`);
      if (this.io.signal?.aborted) void this.close();
      await this.done;
      return 0;
    } finally {
      input.removeListener('end', onEnd);
      output.removeListener('error', onEnd);
      this.io.signal?.removeEventListener('abort', onEnd);
      restoreConsole();
    }
  }

  /** Close once: abort running calls and wait for them, end the OCR worker, close the protocol and the connections. */
  private close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopping.abort();
      await Promise.allSettled([...this.running]);
      await new Promise((resolve) => setImmediate(resolve)); // the aborted calls' answers go out first
      await this.server.close().catch(() => undefined);
      await this.engine.dispose().catch(() => undefined);
      await this.client?.close().catch(() => undefined);
      await this.dispatcher.close().catch(() => undefined);
      // Nothing more is read: let the process end even if the client keeps its end of the pipe open.
      if ((this.io.input ?? process.stdin) === process.stdin) process.stdin.destroy();
    })().finally(this.finished);
    return this.closing;
  }

  /** For a client without roots: say on stderr where tools read, or that they refuse every path. */
  private async sayWhereToolsRead(): Promise<void> {
    if (this.rootFlags.length) return this.log(`roots (--root): ${this.rootFlags.join(', ')}`);
    const why = await tooWideToWorkIn(this.io.cwd, this.io.env);
    if (why) this.log(`${noFolderError(this.io.cwd, why).message} Until then tools refuse every path.`);
  }

  /** Ask the client for its roots (again). */
  private readRoots(): void {
    const asked = this.server.listRoots().then(
      async (r) => {
        const { folders, left } = await clientFolders(r.roots);
        if (left.length) this.log(`roots that are not folders on this machine are left out: ${left.join(', ')}`);
        if (folders.length) this.log(`roots: ${folders.join(', ')}`);
        else if (this.rootFlags.length) this.log(`the client lists no folder (roots): tools read in the --root folders, ${this.rootFlags.join(', ')}`);
        else this.log('the client lists no folder (roots): tools will refuse every path');
        return folders;
      },
      (e: unknown) => {
        this.log(`the client's roots could not be read: ${e instanceof Error ? e.message : String(e)}`);
        return [];
      },
    );
    this.roots = asked;
  }

  /** Where tools may read now: the client's folders, else the --root folders, else the current folder (when not too wide). */
  private async scope(): Promise<PathScope> {
    const hasRoots = !!this.server.getClientCapabilities()?.roots;
    if (hasRoots && !this.roots) this.readRoots();
    const listed = hasRoots ? await (this.roots as Promise<string[]>) : [];
    if (listed.length) return scopeOf(listed);
    if (this.rootFlags.length) return scopeOf(this.rootFlags);
    if (hasRoots) throw new DescribeError('bad-input', "The MCP client lists no folder (roots) to work in: tools read only inside its roots; open a folder or add a root, or give --root DIR in the server's arguments.");
    const why = await tooWideToWorkIn(this.io.cwd, this.io.env);
    if (why) throw noFolderError(this.io.cwd, why);
    return scopeOf([this.io.cwd]);
  }

  /** The settings for a call, and the model client (made once: the flags and the environment do not change while serving). */
  private backend(extra: { detail?: string | undefined; userPrompt?: string | undefined } = {}): { settings: DescribeSettings; client: ChatClient } {
    const settings = cliSettings(this.flags, this.io.env, extra);
    if (!this.client) {
      const auth = cliCredential(parseAuthChoice(this.flags.auth), this.io, settings);
      checkReadyToSend(settings, auth.credential);
      for (const s of auth.secrets) this.secrets.add(s);
      if (auth.notice) this.log(auth.notice);
      this.client = new ChatClient({ credential: auth.credential, transport: undiciTransport(this.dispatcher) });
    }
    return { settings, client: this.client };
  }

  private provider(): DescribeSettings['provider'] {
    try {
      return cliSettings(this.flags, this.io.env).provider;
    } catch {
      return (this.flags.provider ?? this.io.env['DESCRIBE_IMAGE_PROVIDER'])?.trim().toLowerCase() === 'openai' ? 'openai' : 'azure';
    }
  }

  /** One tool call: its result, or a result with isError and one sentence (never a secret). */
  private async call(name: string, args: unknown, signal: AbortSignal, progress: (done: number, total: number, message: string) => void): Promise<CallToolResult> {
    try {
      switch (name) {
        case DESCRIBE_IMAGE_TOOL.name:
          return await this.describeImage(args, signal);
        case EXTRACT_TEXT_TOOL.name:
          return await this.extractText(args, signal, progress);
        case ALT_TEXT_CHECK_MCP_TOOL.name:
          return await this.altTextCheck(args, signal, progress);
        case ALT_TEXT_FIX_TOOL.name:
          return await this.altTextFix(args, signal, progress);
        default:
          throw new DescribeError('bad-input', `Unknown tool "${name}".`);
      }
    } catch (e) {
      let message: string;
      if (signal.aborted || (isDescribeError(e) && e.code === 'cancelled')) message = 'Cancelled.';
      else if (isDescribeError(e)) message = `${e.message}${this.hint(e)}`;
      else {
        this.log(`${name} failed unexpectedly: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        message = `Unexpected error: ${e instanceof Error ? e.message : String(e)}`;
      }
      if (!signal.aborted) this.log(`${name}: ${message}`);
      return { content: [{ type: 'text', text: this.hide(message) }], isError: true };
    }
  }

  /** What to do about an error, in the terms of this server's configuration (flags and environment). */
  private hint(e: DescribeError): string {
    const provider = this.provider();
    if (e.code === 'config') {
      return provider === 'openai'
        ? ' Set OPENAI_MODEL (and OPENAI_BASE_URL) in the MCP server\'s environment, or give --model and --base-url in its arguments.'
        : ' Set AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_DEPLOYMENT in the MCP server\'s environment, or give --endpoint and --deployment in its arguments.';
    }
    return cliHint(e, provider);
  }

  private async describeImage(args: unknown, signal: AbortSignal): Promise<CallToolResult> {
    const input = parseToolInput(DESCRIBE_IMAGE_TOOL, args);
    const scope = await this.scope();
    const files = await scope.files(input.paths);
    const { settings, client } = this.backend({ detail: input.detail, userPrompt: input.prompt?.trim() ? input.prompt : undefined });
    const result = await describeImages({ settings, client, sources: files, cwd: scope.primary, signal, raise: cliRaise });
    const imageRef = (image: PreparedImage) => (image.path ? scope.display(image.path) : image.source);
    return text(this.hide(renderMarkdown(result, { imageRef })));
  }

  private async extractText(args: unknown, signal: AbortSignal, progress: (done: number, total: number, message: string) => void): Promise<CallToolResult> {
    const input = parseToolInput(EXTRACT_TEXT_TOOL, args);
    const scope = await this.scope();
    const files = await scope.files(input.paths);
    for (const [i, file] of files.entries()) checkOcrFileSize((await fs.stat(file)).size, input.paths[i] ?? file);
    const parts: string[] = [];
    for (const [i, file] of files.entries()) {
      progress(i, files.length, `reading ${scope.display(file)}`);
      const bytes = new Uint8Array(await fs.readFile(file));
      const result = await this.engine.recognize(bytes, { signal, name: path.basename(file) });
      parts.push(renderOcrMarkdown(result, scope.display(file)));
    }
    return text(...parts);
  }

  private async altTextCheck(args: unknown, signal: AbortSignal, progress: (done: number, total: number, message: string) => void): Promise<CallToolResult> {
    const input = parseToolInput(ALT_TEXT_CHECK_MCP_TOOL, args);
    const root = (await this.scope()).primary;
    const disabled = new Set<string>(input.disable ?? []);
    const rules = new Set<RuleId>(RULE_IDS.filter((r) => !disabled.has(r)));
    if (input.verify && !rules.has('alt-mismatch')) throw new DescribeError('bad-input', 'altTextCheck: verify reports alt-mismatch, which disable turns off: leave one of them out.');
    const maxLength = input.maxLength ?? DEFAULT_ALT_MAX_LENGTH;
    const sites = await detectSites(root);
    const dirCache = new DirectoryCache();
    const { docs, warnings, ...checked } = await checkDocs(root, input.paths, { rules, maxLength, docsRoot: root, sites, dirCache, limit: DOC_FILE_LIMIT });
    let report = checked.report;
    if (input.verify) {
      const { settings, client } = this.backend(); // no endpoint or key: this call's error, before anything is sent
      const run = { settings, client, cache: this.altCache, signal, onProgress: (p: AltProgress) => progress(p.done + p.failed + p.cancelled, p.total, `verifying alt text: ${altProgressText(p)}`) };
      report = await mcpVerify(report, docs, { plan: { root, docsRoot: root, sites, dirCache, context: true }, run, maxLength, maxRequests: input.maxRequests, hide: (t) => this.hide(t), say: (line, total) => progress(0, total, line) });
    }
    if (signal.aborted) throw new DescribeError('cancelled', 'Cancelled.');
    const json = this.hide(formatJson(report));
    const summary = [checkSummary(report), ...(report.verify?.notVerified ?? []).map((n) => `not verified: ${n}`), ...warnings.map((w) => `warning: ${w}`)].join('\n');
    return { ...text(this.hide(summary), json), structuredContent: JSON.parse(json) as Record<string, unknown> };
  }

  private async altTextFix(args: unknown, signal: AbortSignal, progress: (done: number, total: number, message: string) => void): Promise<CallToolResult> {
    const input = parseToolInput(ALT_TEXT_FIX_TOOL, args);
    const dryRun = input.dryRun ?? true;
    const fixPathCase = input.fixPathCase ?? false;
    const maxLength = input.maxLength ?? DEFAULT_ALT_MAX_LENGTH;
    const root = (await this.scope()).primary;
    const dirCache = new DirectoryCache();
    const sites = await detectSites(root);
    const { report, docs, warnings } = await checkDocs(root, input.paths, { rules: new Set(RULE_IDS), maxLength, docsRoot: root, sites, dirCache, limit: DOC_FILE_LIMIT });
    const plan = await planFix(docs, { root, docsRoot: root, sites, dirCache, rewriteUninformative: input.rewriteUninformative ?? false, fixPathCase, context: true });
    const unparsed = [...warnings.map((w) => `warning: ${w}`), ...report.errors.map((e) => `skipped ${e.file}:${e.line}:${e.column}: ${e.message}`)];
    if (plan.targets.length === 0) return text(this.hide([...unparsed, ...plan.skipped.map((s) => `skipped ${s}`), nothingToFixMessage(plan)].join('\n')));
    const results = new Map<string, FixAltResult>();
    let stats: AltRunStats | undefined;
    if (plan.jobs.length) {
      try {
        const { settings, client } = this.backend();
        const run = await generateAltTexts(plan.jobs, {
          settings,
          client,
          cache: this.altCache,
          maxLength,
          signal,
          onProgress: (p) => progress(p.done + p.failed + p.cancelled, p.total, `${altProgressText(p)} (${path.relative(root, p.current) || p.current})`),
        });
        const stop = runError(run);
        if (stop) throw stop;
        for (const [id, outcome] of run.results) results.set(id, outcome);
        stats = run.stats;
      } catch (e) {
        if (isDescribeError(e) && e.code !== 'cancelled' && !e.isInputError) {
          throw new DescribeError(e.code, `${e.message}${this.hint(e)} Nothing was written.`, { cause: e });
        }
        throw e;
      }
    }
    if (signal.aborted) throw new DescribeError('cancelled', 'Cancelled; nothing was written.');
    const applied = await applyFix(plan, results, { root, dryRun });
    const { lines, diff } = fixResultText(plan, applied, unparsed, { dryRun, fixPathCase, stats, root });
    return text(...[lines.join('\n'), ...(diff ? [diff] : [])].map((t) => this.hide(t)));
  }
}

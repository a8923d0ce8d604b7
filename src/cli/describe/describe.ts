/**
 * describe-image [options] <image...>: describe images with a vision model. Markdown (or JSON) to stdout, warnings
 * and errors to stderr. Exit 0 when a description came back (also when cut or filtered), 1 when the service or network failed,
 * 2 for bad usage or bad input (refused before any request), 130 when interrupted.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ChatClient } from '../../core/net';
import { checkReadyToSend, describeImages, type DescribeEvent, prepareImages, totalEstimatedTokens, type DescribeResult, renderFooter, renderHeader, renderInterruption, renderMarkdown, renderPartial, renderWarnings, relativeImageRef } from '../../core/describe';
import { buildChatBody, chatCompletionsUrl, wireImageCount } from '../../core/net';
import { DEFAULT_MAX_FRAMES, DescribeError, isDescribeError, MAX_FRAMES, redact } from '../../core/base';
import { createDispatcher, proxyFromEnv, undiciTransport } from '../../core/nodeHttp';
import type { PreparedImage } from '../../core/images';
import { checkOutFile, stderrLogger, StreamedText, writeOut } from '../base';
import { DETAILS, type DescribeSettings, type Detail } from '../../core/base';
import { cliCredential, cliHint, cliSettings, ENDPOINT_OPTIONS, parseAuthChoice, secretsInEnv, type EndpointFlags } from '../base';
import type { CliIo } from '../base';

declare const __VERSION__: string;

export const USAGE = `Usage: describe-image [options] <image...>
       describe-image --provider openai [--base-url URL] --list-models

Describe 1 to 10 images (local paths or http(s) URLs, all in one request) with an Azure OpenAI vision deployment, or
a model on any OpenAI-compatible server (OpenAI, Ollama, LM Studio, vLLM).

Options:
  --provider P         azure (default) or openai                           (env DESCRIBE_IMAGE_PROVIDER)
  --base-url URL       openai: the server's base URL, default https://api.openai.com/v1; Ollama:
                       http://localhost:11434/v1, LM Studio: http://localhost:1234/v1 (env OPENAI_BASE_URL)
  --model NAME         openai: the model (e.g. gpt-4.1, llava, qwen2.5vl)  (env OPENAI_MODEL)
  --list-models        print the models the server lists, one per line, and exit
  --endpoint URL       resource endpoint or the portal's whole Target URI   (env AZURE_OPENAI_ENDPOINT)
  --deployment NAME    deployment name                                     (env AZURE_OPENAI_DEPLOYMENT)
  --api-version V      use the deployments API with this api-version; default: none, the v1 API
                                                                           (env OPENAI_API_VERSION)
  --auth key|entra     an API key (env AZURE_OPENAI_API_KEY) or Microsoft Entra ID (env AZURE_OPENAI_AD_TOKEN,
                       else Azure CLI login, service principal, workload or managed identity); default: the
                       key when it is set, else Entra ID
  --prompt TEXT        the user prompt (default: "Describe this image in detail.")
  --system-prompt TEXT the system prompt
  --detail low|high|auto
  --max-tokens N       output token limit (default 1024)
  --timeout SECONDS    give up when the service has not started answering after this long (default 60)
  --idle-timeout SECONDS  give up when a streamed answer is silent this long (default 30)
  --retries N          retries after 429/503 (default 4; 500/502/504 and resets: 2)
  --stream, --no-stream  print the text as it arrives (default: when stdout is a terminal)
  --no-resize          send the original bytes (by default each image is resized to the size the service
                       uses for the detail level, turned upright, and SVG/BMP converted)
  --frames N           animated GIF/WebP/PNG: send up to N frames that show what happens (1-${MAX_FRAMES}, default ${DEFAULT_MAX_FRAMES};
                       1 = the first frame only); small frames may go as one numbered contact sheet
  --dry-run            print as JSON what would be sent (types, bytes, sizes, estimated image tokens); sends
                       nothing and needs no key
  --json               print the whole result as JSON instead of Markdown
  --out FILE           write the Markdown there; never overwrites an existing file without --force
  --force              allow --out to replace an existing file
  --verbose            log requests (never the key or image bytes) to stderr
  -h, --help           show this help
  --version            show the version

Keys are read only from the environment (never a flag): AZURE_OPENAI_API_KEY for Azure, OPENAI_API_KEY for an
OpenAI-compatible server (none needed for a server on this machine).
Proxies: HTTPS_PROXY / HTTP_PROXY and NO_PROXY are honoured; a server on this machine is always reached direct.
A private certificate authority (a TLS-inspecting proxy): NODE_EXTRA_CA_CERTS=/path/to/ca.pem, or
NODE_OPTIONS=--use-system-ca (Node 22.15+) for the OS store.
Alt text for docs: describe-image alt-text check|fix <glob...>   (describe-image alt-text --help)
Text in images, read on this machine (no model, nothing sent): describe-image extract-text <image...>
The tools for agents, as an MCP server on stdio: describe-image mcp   (describe-image mcp --help)

Exit codes: 0 described (also when cut or filtered: see the warning), 1 service or network failure,
2 bad usage or input (nothing was sent), 130 interrupted.`;


class UsageError extends Error {}

function parse(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        ...ENDPOINT_OPTIONS,
        prompt: { type: 'string' },
        'system-prompt': { type: 'string' },
        detail: { type: 'string' },
        'max-tokens': { type: 'string' },
        timeout: { type: 'string' },
        'idle-timeout': { type: 'string' },
        retries: { type: 'string' },
        stream: { type: 'boolean' },
        'no-stream': { type: 'boolean' },
        json: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        'no-resize': { type: 'boolean' },
        frames: { type: 'string' },
        out: { type: 'string' },
        force: { type: 'boolean' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
        'api-key': { type: 'string' },
        'list-models': { type: 'boolean' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export function resultToJson(result: DescribeResult): unknown {
  return {
    text: result.text,
    finishReason: result.finishReason ?? null,
    model: result.model ?? null,
    deployment: result.deployment,
    usage: result.usage ?? null,
    promptFilter: result.promptFilter,
    completionFilter: result.completionFilter,
    warnings: result.warnings,
    notes: result.notes,
    images: result.images.map((i) => ({
      source: i.source,
      name: i.name,
      kind: i.kind,
      originalMime: i.originalMime ?? null,
      originalBytes: i.originalBytes ?? null,
      width: i.width ?? null,
      height: i.height ?? null,
      sentMime: i.sentMime ?? null,
      sentBytes: i.sentBytes ?? null,
    })),
    elapsedMs: result.elapsedMs,
  };
}

/** --frames: a whole number from 1 to MAX_FRAMES. */
function parseFrames(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_FRAMES) throw new DescribeError('bad-input', `--frames must be a whole number from 1 to ${MAX_FRAMES} (got ${value}).`);
  return n;
}

/** --dry-run: prepare the images exactly as a real run would, print what would be sent, send nothing. */
async function dryRun(
  sources: string[],
  v: { endpoint?: string | undefined; deployment?: string | undefined; 'api-version'?: string | undefined; detail?: string | undefined; 'max-tokens'?: string | undefined; prompt?: string | undefined; 'no-resize'?: boolean | undefined; frames?: string | undefined },
  io: CliIo,
  fail: (code: number, message: string) => number,
): Promise<number> {
  try {
    const detailText = v.detail?.trim().toLowerCase();
    if (detailText && !(DETAILS as readonly string[]).includes(detailText)) throw new DescribeError('bad-input', `Detail must be low, high or auto (got "${v.detail}").`);
    const detail = detailText as Detail | undefined;
    let settings: DescribeSettings | undefined;
    try {
      settings = cliSettings(v, io.env, {
        detail,
        maxTokens: v['max-tokens'],
        userPrompt: v.prompt,
      });
    } catch {
      settings = undefined; // a dry run needs no endpoint
    }
    const images = await prepareImages(sources, { cwd: io.cwd, resize: !v['no-resize'], detail, maxFrames: parseFrames(v.frames) });
    const body = settings ? JSON.stringify(buildChatBody(settings, images, { tokenParam: 'max_tokens', stream: false })) : undefined;
    const report = {
      sent: false,
      url: settings ? chatCompletionsUrl(settings) : null,
      deployment: settings?.deployment ?? null,
      detail: detail ?? null,
      resize: !v['no-resize'],
      requestBytes: body?.length ?? null,
      estimatedImageTokens: totalEstimatedTokens(images) ?? null,
      imagesSent: wireImageCount(images),
      images: images.map((i) => ({
        source: i.source,
        detectedType: i.originalMime ?? null,
        originalBytes: i.originalBytes ?? null,
        originalWidth: i.width ?? null,
        originalHeight: i.height ?? null,
        sentType: i.sentMime ?? null,
        sentBytes: i.sentBytes ?? null,
        sentWidth: i.sentWidth ?? null,
        sentHeight: i.sentHeight ?? null,
        estimatedTokens: i.estimatedTokens ?? null,
        animation: i.animation
          ? { totalFrames: i.animation.totalFrames, durationMs: i.animation.durationMs, framesSent: i.animation.frames.map((f) => ({ frame: f.index + 1, atMs: f.timeMs })), sentAs: i.animation.mode === 'sheet' ? 'contact sheet' : 'frames', imagesSent: i.animation.sentImages, caption: i.caption ?? null }
          : null,
        notes: i.notes,
        warnings: i.warnings,
      })),
    };
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  } catch (e) {
    if (isDescribeError(e)) return fail(e.isInputError ? 2 : 1, e.message);
    return fail(1, `unexpected error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** --list-models: the ids the server lists, one per line. */
async function listModels(v: EndpointFlags & { auth?: string | undefined }, io: CliIo, fail: (code: number, message: string) => number, track: (c: ChatClient) => void): Promise<number> {
  const dispatcher = createDispatcher(proxyFromEnv(io.env));
  let provider: DescribeSettings['provider'] = 'azure';
  try {
    // A model or deployment is not needed to list them.
    const settings = cliSettings({ ...v, model: v.model ?? 'none', deployment: v.deployment ?? 'none' }, io.env);
    provider = settings.provider;
    const auth = cliCredential(parseAuthChoice(v.auth), io, settings);
    const client = new ChatClient({ credential: auth.credential, transport: undiciTransport(dispatcher) });
    track(client);
    const ids = await client.listModels(settings, io.signal);
    io.stdout(ids.map((id) => `${id}\n`).join(''));
    return 0;
  } catch (e) {
    if (isDescribeError(e)) return fail(e.isInputError ? 2 : 1, `${e.message}${cliHint(e, provider)}`);
    return fail(1, `unexpected error: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    await dispatcher.close();
  }
}

type Values = ReturnType<typeof parse>['values'];

/** A flag's number of seconds, in ms (undefined when not given). */
function seconds(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new DescribeError('bad-input', `--${flag} must be a positive number of seconds (got ${value}).`);
  return Math.round(n * 1000);
}

/** --timeout, --idle-timeout and --retries, checked before anything is sent. */
function requestLimits(v: Values): { timeoutMs: number | undefined; idleTimeoutMs: number | undefined; retries: number | undefined } {
  let retries: number | undefined;
  if (v.retries !== undefined) {
    retries = Number(v.retries);
    if (!Number.isInteger(retries) || retries < 0 || retries > 20) throw new DescribeError('bad-input', `--retries must be a whole number from 0 to 20 (got ${v.retries}).`);
  }
  return { timeoutMs: seconds('timeout', v.timeout), idleTimeoutMs: seconds('idle-timeout', v['idle-timeout']), retries };
}

/**
 * Where the answer goes: streamed to stdout (when asked, or by default on a terminal; never as JSON or to a file),
 * JSON, Markdown to stdout, or --out. What arrived before a cancel or a broken stream is kept, clearly marked.
 */
class AnswerOutput {
  readonly streamToStdout: boolean;
  readonly imageRef: (image: PreparedImage) => string;
  private images: readonly PreparedImage[] = [];
  private readonly streamed: StreamedText | undefined;

  constructor(
    private readonly io: CliIo,
    private readonly v: Values,
    private readonly outAbs: string | undefined,
    private readonly hide: (text: string) => string,
    secrets: () => string[],
  ) {
    const docDir = outAbs ? path.dirname(outAbs) : io.cwd;
    this.imageRef = (image) => relativeImageRef(image, docDir);
    this.streamToStdout = !v.json && !outAbs && (v.stream ?? (v['no-stream'] ? false : io.isTty === true));
    this.streamed = this.streamToStdout ? new StreamedText(secrets, io.isTty === true) : undefined;
  }

  onEvent(event: DescribeEvent): void {
    const { io, hide } = this;
    if (event.type === 'prepared') {
      this.images = event.images;
      if (this.streamToStdout) io.stdout(hide(renderHeader(event.images, this.imageRef)));
    } else if (event.type === 'text' && this.streamToStdout) {
      const safe = this.streamed?.push(event.delta);
      if (safe) io.stdout(hide(safe));
    } else if (event.type === 'waiting' && event.ms >= 1000) {
      io.stderr(`describe-image: ${hide(event.reason)} Retrying in ${Math.ceil(event.ms / 1000)} s (attempt ${event.attempt + 1} of ${event.maxAttempts}).\n`);
    }
  }

  async done(result: DescribeResult): Promise<void> {
    const { io, hide, v, outAbs } = this;
    for (const w of result.warnings) io.stderr(`describe-image: warning: ${hide(w)}\n`);
    if (v.verbose) for (const n of result.notes) io.stderr(`describe-image: info: ${hide(n)}\n`);
    const markdown = hide(renderMarkdown(result, { imageRef: this.imageRef }));
    if (this.streamToStdout) io.stdout(hide(`${this.streamed?.end() ?? ''}\n\n${renderWarnings(result.warnings)}${renderFooter(result)}`));
    else if (v.json) io.stdout(`${hide(JSON.stringify(resultToJson(result), null, 2))}\n`);
    else if (!outAbs) io.stdout(markdown);
    if (outAbs) {
      await writeOut(outAbs, markdown, v.force ?? false);
      io.stderr(`describe-image: wrote ${path.relative(io.cwd, outAbs) || outAbs}\n`);
    }
  }

  async interrupted(e: unknown): Promise<void> {
    if (!isDescribeError(e) || !e.partialText) return;
    const { io, hide, outAbs } = this;
    const status = e.code === 'cancelled' ? 'cancelled' : 'incomplete';
    const partial = () => hide(renderPartial(this.images, this.imageRef, e.partialText ?? '', status, e.message));
    if (this.streamToStdout) io.stdout(hide(`${this.streamed?.end() ?? ''}${renderInterruption(status, e.message)}`));
    else if (outAbs) {
      await writeOut(outAbs, partial(), this.v.force ?? false);
      io.stderr(`describe-image: wrote the incomplete text to ${path.relative(io.cwd, outAbs) || outAbs}\n`);
    } else if (!this.v.json) io.stdout(partial());
  }
}

/** The secrets removed from all output: the key and tokens in the environment, and every token the client fetched. */
class Secrets {
  client: ChatClient | undefined;
  constructor(private readonly inEnv: string[]) {}
  readonly all = (): string[] => [...this.inEnv, ...(this.client?.sentSecrets ?? [])];
  readonly hide = (text: string): string => redact(text, this.all());
}

/** Describe the images the arguments name and print the answer; throws what went wrong. */
async function describeAndPrint(sources: readonly string[], v: Values, io: CliIo, secrets: Secrets, settings: DescribeSettings): Promise<number> {
  const auth = cliCredential(parseAuthChoice(v.auth), io, settings);
  checkReadyToSend(settings, auth.credential);
  const { timeoutMs, idleTimeoutMs, retries } = requestLimits(v);
  const outAbs = v.out !== undefined ? await checkOutFile(v.out, v.force ?? false, io.cwd) : undefined;
  const output = new AnswerOutput(io, v, outAbs, secrets.hide, secrets.all);
  const dispatcher = createDispatcher({ ...proxyFromEnv(io.env), connectTimeoutMs: Math.min(timeoutMs ?? 30_000, 30_000) });
  const client = (secrets.client = new ChatClient({
    credential: auth.credential,
    transport: undiciTransport(dispatcher),
    timeoutMs,
    idleTimeoutMs,
    retry: retries !== undefined ? { maxThrottleRetries: retries, maxTransientRetries: Math.min(retries, 2) } : undefined,
    logger: v.verbose ? stderrLogger(io, secrets.hide) : undefined,
  }));
  if (auth.notice) io.stderr(`describe-image: ${auth.notice}\n`);
  try {
    const result = await describeImages({
      settings,
      client,
      sources,
      cwd: io.cwd,
      signal: io.signal,
      resize: !v['no-resize'],
      maxFrames: parseFrames(v.frames),
      stream: output.streamToStdout || (!v.json && v.stream === true) || undefined,
      onEvent: (event) => output.onEvent(event),
    });
    await output.done(result);
    return 0;
  } catch (e) {
    await output.interrupted(e);
    throw e;
  } finally {
    await client.close();
    await dispatcher.close();
  }
}

/** Run the CLI; returns the exit code. */
export async function runDescribe(argv: readonly string[], io: CliIo): Promise<number> {
  const secrets = new Secrets(secretsInEnv(io.env));
  let provider: DescribeSettings['provider'] = 'azure';
  const fail = (code: number, message: string): number => {
    io.stderr(`describe-image: ${secrets.hide(message)}\n`);
    return code;
  };
  let args;
  try {
    args = parse(argv);
  } catch (e) {
    return fail(2, `${(e as Error).message}\n\n${USAGE}`);
  }
  const v = args.values;
  if (v.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (v.version) {
    io.stdout(`${typeof __VERSION__ === 'string' ? __VERSION__ : 'dev'}\n`);
    return 0;
  }
  if (v['api-key'] !== undefined) {
    return fail(2, 'there is no --api-key flag (flags show in process lists): set the environment variable AZURE_OPENAI_API_KEY instead.');
  }
  if (v['list-models']) return listModels(v, io, fail, (c) => (secrets.client = c));
  if (args.positionals.length === 0) return fail(2, `no image given.\n\n${USAGE}`);
  if (v['dry-run']) return dryRun(args.positionals, v, io, fail);
  try {
    const settings = cliSettings(v, io.env, { detail: v.detail, maxTokens: v['max-tokens'], userPrompt: v.prompt, systemPrompt: v['system-prompt'] });
    provider = settings.provider;
    return await describeAndPrint(args.positionals, v, io, secrets, settings);
  } catch (e) {
    if (isDescribeError(e)) {
      if (e.code === 'cancelled') return fail(130, e.partialText ? 'interrupted; the text received so far was printed, marked cancelled.' : 'interrupted; nothing was written.');
      return fail(e.isInputError ? 2 : 1, `${e.message}${cliHint(e, provider)}`);
    }
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return fail(2, `--out ${v.out ?? ''} appeared while describing; it was not overwritten.`);
    return fail(1, `unexpected error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

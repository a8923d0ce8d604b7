/**
 * Language-model tools for agents in VS Code (Copilot's agent mode and any chat participant): describeImage,
 * extractText and altTextCheck, declared in package.json (`contributes.languageModelTools`, schemas generated from
 * src/core/agent/tools.ts and checked by a test) and registered here over the same paths as the commands. Inputs are
 * validated again here (an agent may send anything); paths must be inside a workspace folder. A call that sends images
 * to a service asks first, naming the images and where they go (VS Code offers to allow it for the session); reading
 * text and checking alt text send nothing and ask nothing. Cancellation comes through the token.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  ALT_TEXT_CHECK_TOOL,
  DESCRIBE_IMAGE_TOOL,
  EXTRACT_TEXT_TOOL,
  parseToolInput,
  PathScope,
  type AltTextCheckInput,
  type DescribeImageInput,
  type ExtractTextInput,
} from '../core/agent/tools';
import { describeImages } from '../core/describe';
import { checkDocs } from '../core/docs/check';
import { RULE_IDS, type RuleId } from '../core/docs/quality';
import { formatJson } from '../core/docs/report';
import { DescribeError, isDescribeError } from '../core/errors';
import { renderMarkdown } from '../core/markdown';
import { renderOcrMarkdown } from '../core/ocr';
import type { PreparedImage } from '../core/prepare';
import { describeChoice, openTarget } from './backend';
import type { DescribeDeps } from './describeCommand';
import { ocrEngine } from './extractText';
import { readAltTextSettings, readProviderSettings, readSettings } from './settings';

/** The workspace folders on disk: where tools may read. */
function scope(): PathScope {
  const roots = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  return new PathScope(roots);
}

function text(...parts: string[]): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult(parts.map((p) => new vscode.LanguageModelTextPart(p)));
}

/** An AbortSignal that follows the tool's cancellation token. */
function signalOf(token: vscode.CancellationToken): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  const sub = token.onCancellationRequested(() => controller.abort());
  return { signal: controller.signal, dispose: () => sub.dispose() };
}

/** Errors go back to the model as one sentence it can act on (the key is never in it: the log redacts). */
function toolError(deps: DescribeDeps, e: unknown): Error {
  if (isDescribeError(e)) {
    if (e.code === 'cancelled') return new vscode.CancellationError();
    deps.log.warn(`Tool call failed: ${e.code}: ${e.message}`);
    return new Error(deps.log.redact(e.message));
  }
  deps.log.error(`Tool call failed unexpectedly: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  return new Error(deps.log.redact(e instanceof Error ? e.message : String(e)));
}

const listNames = (paths: readonly string[]) => paths.map((p) => `\`${p}\``).join(', ');

class DescribeImageTool implements vscode.LanguageModelTool<DescribeImageInput> {
  constructor(private readonly deps: DescribeDeps) {}

  prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<DescribeImageInput>): vscode.PreparedToolInvocation {
    const paths = Array.isArray(options.input?.paths) ? options.input.paths.map(String) : [];
    const choice = describeChoice();
    const provider = readProviderSettings().provider;
    const where = choice.unset
      ? vscode.l10n.t('You will be asked where images go (a language model in VS Code, Azure OpenAI or another provider) before anything is sent.')
      : provider === 'offline'
        ? vscode.l10n.t('Describe Image is set to read text on this machine without a model: this call will fail; choose a model with Describe Image: Choose Model.')
        : choice.local
          ? vscode.l10n.t('They go to {0} on {1}.', choice.label, choice.where)
          : vscode.l10n.t('They are sent to {0} at {1}.', choice.label, choice.where);
    return {
      invocationMessage: vscode.l10n.t('Describing {0}…', paths.join(', ')),
      confirmationMessages: {
        title: vscode.l10n.t('Send images to describe them?'),
        message: new vscode.MarkdownString(`${vscode.l10n.t('Describe Image will send {0}.', listNames(paths))} ${where}`),
      },
    };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<DescribeImageInput>, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
    const abort = signalOf(token);
    try {
      const input = parseToolInput(DESCRIBE_IMAGE_TOOL, options.input);
      const s = scope();
      const files = await s.files(input.paths);
      const first = vscode.Uri.file(files[0] as string);
      const target = await openTarget(this.deps, first, { ...(input.prompt?.trim() ? { userPrompt: input.prompt } : {}), ...(input.detail ? { detail: input.detail } : {}) });
      if (!target) throw new DescribeError('cancelled', 'Cancelled: nothing was sent.');
      const settings = readSettings(first);
      this.deps.log.info(`Tool describeImage: ${input.paths.join(', ')} to ${target.where}.`);
      try {
        const result = await describeImages({ settings: target.settings, client: target.backend, sources: files, signal: abort.signal, resize: settings.resizeImages, maxFrames: settings.maxFrames });
        const imageRef = (image: PreparedImage) => (image.path ? s.display(image.path) : image.source);
        return text(this.deps.log.redact(renderMarkdown(result, { imageRef })));
      } finally {
        await target.close();
      }
    } catch (e) {
      throw toolError(this.deps, e);
    } finally {
      abort.dispose();
    }
  }
}

class ExtractTextTool implements vscode.LanguageModelTool<ExtractTextInput> {
  constructor(private readonly deps: DescribeDeps) {}

  prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<ExtractTextInput>): vscode.PreparedToolInvocation {
    const paths = Array.isArray(options.input?.paths) ? options.input.paths.map(String) : [];
    return { invocationMessage: vscode.l10n.t('Reading the text in {0} on this machine…', paths.join(', ')) };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<ExtractTextInput>, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
    const abort = signalOf(token);
    try {
      const input = parseToolInput(EXTRACT_TEXT_TOOL, options.input);
      const s = scope();
      const files = await s.files(input.paths);
      const parts: string[] = [];
      for (const file of files) {
        const bytes = await vscode.workspace.fs.readFile(vscode.Uri.file(file));
        const result = await ocrEngine(this.deps).recognize(bytes, { signal: abort.signal, name: path.basename(file) });
        parts.push(renderOcrMarkdown(result, s.display(file)));
      }
      return text(...parts);
    } catch (e) {
      throw toolError(this.deps, e);
    } finally {
      abort.dispose();
    }
  }
}

class AltTextCheckTool implements vscode.LanguageModelTool<AltTextCheckInput> {
  constructor(private readonly deps: DescribeDeps) {}

  prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<AltTextCheckInput>): vscode.PreparedToolInvocation {
    const paths = Array.isArray(options.input?.paths) ? options.input.paths.map(String) : [];
    return { invocationMessage: vscode.l10n.t('Checking the alt text in {0}…', paths.join(', ')) };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<AltTextCheckInput>, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
    try {
      const input = parseToolInput(ALT_TEXT_CHECK_TOOL, options.input);
      const root = scope().primary;
      const settings = readAltTextSettings(vscode.Uri.file(root));
      // The agent's choice of rules, else the user's settings.
      const rules = new Set<RuleId>(input.disable ? RULE_IDS.filter((r) => !input.disable?.includes(r)) : settings.rules);
      const docsRoot = path.resolve(root, settings.docsRoot || '.');
      const { report } = await checkDocs(root, input.paths, { rules, maxLength: input.maxLength ?? settings.maxLength, docsRoot, limit: 5000 });
      if (token.isCancellationRequested) throw new vscode.CancellationError();
      const summary = `${report.findings.length} finding(s)${report.errors.length ? ` and ${report.errors.length} file(s) that could not be parsed` : ''} in ${report.files} file(s).`;
      return text(summary, formatJson(report));
    } catch (e) {
      if (e instanceof vscode.CancellationError) throw e;
      throw toolError(this.deps, e);
    }
  }
}

export function registerTools(deps: DescribeDeps): vscode.Disposable[] {
  return [
    vscode.lm.registerTool(DESCRIBE_IMAGE_TOOL.vscodeName, new DescribeImageTool(deps)),
    vscode.lm.registerTool(EXTRACT_TEXT_TOOL.vscodeName, new ExtractTextTool(deps)),
    vscode.lm.registerTool(ALT_TEXT_CHECK_TOOL.vscodeName, new AltTextCheckTool(deps)),
  ];
}

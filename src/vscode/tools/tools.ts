/**
 * Language-model tools for agents in VS Code (Copilot's agent mode and any chat participant): describeImage,
 * extractText and altTextCheck, declared in package.json (`contributes.languageModelTools`, schemas generated from
 * src/core/agent/tools.ts and checked by a test) and registered here over the same paths as the commands. Inputs are
 * validated again here (an agent may send anything); paths must be inside a workspace folder. A call that sends images
 * to a service asks first, naming the images and where they go (VS Code offers to allow it for the session); reading
 * text and checking alt text send nothing and ask nothing. Cancellation comes through the token.
 *
 * The confirmation and progress messages are Markdown built from what the agent sent: each path is a code span
 * nothing in it can break out of (markdownCodeSpan), and only a valid input is shown (else the call fails before
 * anything is read or sent, so there is nothing to confirm).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ALT_TEXT_CHECK_TOOL, DESCRIBE_IMAGE_TOOL, EXTRACT_TEXT_TOOL, parseToolInput, PathScope, type AltTextCheckInput, type DescribeImageInput, type ExtractTextInput, type ToolDefinition } from '../../core/agent';
import { describeImages, renderMarkdown } from '../../core/describe';
import { checkDocs } from '../../core/docs';
import { detectSites } from '../../core/sites';
import { checkSummary, formatJson } from '../../core/docs';
import { DescribeError, isDescribeError, DOC_FILE_LIMIT, RULE_IDS, type RuleId } from '../../core/base';
import { markdownCodeSpan, markdownPlainText } from '../../core/markdown';
import { renderOcrMarkdown } from '../../core/ocr';
import type { PreparedImage } from '../../core/images';
import { openTarget } from '../models';
import { checkOcrSizes, ocrEngine } from '../extractText';
import { readAltTextSettings, readProviderSettings, readSettings } from '../base';
import { describeChoice } from '../models';
import { type DescribeDeps, vscodeRaise } from '../base';

/** The workspace folders on disk: where tools may read. */
function scope(): PathScope {
  const roots = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  return new PathScope(roots);
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

/** The paths as Markdown code spans (what an agent sends may hold any character). */
const listNames = (paths: readonly string[]) => paths.map(markdownCodeSpan).join(', ');

interface ToolBehaviour<T> {
  /** Shown while the tool runs (Markdown: the paths come as code spans). */
  readonly progress: (paths: string) => string;
  /** A confirmation before the tool runs (for tools that send images): Markdown, the paths as code spans. */
  readonly confirm?: (paths: string) => vscode.LanguageModelToolConfirmationMessages;
  /** The work, with the validated input, the workspace scope and a signal that follows the token. */
  readonly run: (input: T, scope: PathScope, signal: AbortSignal) => Promise<string[]>;
}

/** A tool over the core: input validated again, paths bounded by the workspace, cancellation, errors for the model. */
function defineTool<T>(deps: DescribeDeps, definition: ToolDefinition, behaviour: ToolBehaviour<T>): vscode.LanguageModelTool<T> {
  return {
    prepareInvocation(options) {
      // prepareInvocation must not throw; an input that is not valid is refused by invoke before anything is read.
      let paths: string;
      try {
        paths = listNames((parseToolInput(definition, options.input) as { paths: readonly string[] }).paths);
      } catch {
        return { invocationMessage: definition.displayName };
      }
      return { invocationMessage: new vscode.MarkdownString(behaviour.progress(paths)), ...(behaviour.confirm ? { confirmationMessages: behaviour.confirm(paths) } : {}) };
    },
    async invoke(options, token) {
      const abort = signalOf(token);
      try {
        const input = parseToolInput(definition, options.input) as T;
        const parts = await behaviour.run(input, scope(), abort.signal);
        if (token.isCancellationRequested) throw new DescribeError('cancelled', 'Cancelled.');
        return new vscode.LanguageModelToolResult(parts.map((p) => new vscode.LanguageModelTextPart(p)));
      } catch (e) {
        throw toolError(deps, e);
      } finally {
        abort.dispose();
      }
    },
  };
}

/** Where images would go, in words, for the confirmation. */
function whereImagesGoNow(): string {
  const choice = describeChoice();
  if (choice.unset) return vscode.l10n.t('You will be asked where images go (a language model in VS Code, Azure OpenAI or another provider) before anything is sent.');
  if (readProviderSettings().provider === 'offline') {
    return vscode.l10n.t('Describe Image is set to read text on this machine without a model: this call will fail; choose a model with Describe Image: Choose Model.');
  }
  return choice.local ? vscode.l10n.t('They go to {0} on {1}.', choice.label, choice.where) : vscode.l10n.t('They are sent to {0} at {1}.', choice.label, choice.where);
}

/** The tools by their registered names (the extension registers them; its Test-mode API hands them to the tests). */
export type AgentTools = ReadonlyMap<string, vscode.LanguageModelTool<unknown>>;

export function createTools(deps: DescribeDeps): AgentTools {
  const describeTool = defineTool<DescribeImageInput>(deps, DESCRIBE_IMAGE_TOOL, {
    progress: (paths) => vscode.l10n.t('Describing {0}…', paths),
    confirm: (paths) => ({
      title: vscode.l10n.t('Send images to describe them?'),
      message: new vscode.MarkdownString(`${vscode.l10n.t('Describe Image will send {0}.', paths)} ${markdownPlainText(whereImagesGoNow())}`),
    }),
    run: async (input, s, signal) => {
      const files = await s.files(input.paths);
      const first = vscode.Uri.file(files[0] as string);
      const target = await openTarget(deps, first, { ...(input.prompt?.trim() ? { userPrompt: input.prompt } : {}), ...(input.detail ? { detail: input.detail } : {}) });
      if (!target) throw new DescribeError('cancelled', 'Cancelled: nothing was sent.');
      const settings = readSettings(first);
      deps.log.info(`Tool describeImage: ${input.paths.join(', ')} to ${target.where}.`);
      try {
        const result = await describeImages({ settings: target.settings, client: target.backend, sources: files, signal, resize: settings.resizeImages, maxFrames: settings.maxFrames, raise: vscodeRaise });
        const imageRef = (image: PreparedImage) => (image.path ? s.display(image.path) : image.source);
        return [deps.log.redact(renderMarkdown(result, { imageRef }))];
      } finally {
        await target.close();
      }
    },
  });
  const extractTool = defineTool<ExtractTextInput>(deps, EXTRACT_TEXT_TOOL, {
    progress: (paths) => vscode.l10n.t('Reading the text in {0} on this machine…', paths),
    run: async (input, s, signal) => {
      const parts: string[] = [];
      const files = await s.files(input.paths);
      await checkOcrSizes(files.map((f) => vscode.Uri.file(f)), input.paths);
      for (const file of files) {
        const bytes = await vscode.workspace.fs.readFile(vscode.Uri.file(file));
        const result = await (await ocrEngine(deps)).recognize(bytes, { signal, name: path.basename(file) });
        parts.push(renderOcrMarkdown(result, s.display(file)));
      }
      return parts;
    },
  });
  const checkTool = defineTool<AltTextCheckInput>(deps, ALT_TEXT_CHECK_TOOL, {
    progress: (paths) => vscode.l10n.t('Checking the alt text in {0}…', paths),
    run: async (input, s) => {
      const root = s.primary;
      const settings = readAltTextSettings(vscode.Uri.file(root));
      // The agent's choice of rules, else the user's settings.
      const rules = new Set<RuleId>(input.disable ? RULE_IDS.filter((r) => !input.disable?.includes(r)) : settings.rules);
      const docsRoot = path.resolve(root, settings.docsRoot || '.');
      const { report, warnings } = await checkDocs(root, input.paths, { rules, maxLength: input.maxLength ?? settings.maxLength, docsRoot, sites: await detectSites(docsRoot), limit: DOC_FILE_LIMIT });
      return [[checkSummary(report), ...warnings.map((w) => `warning: ${w}`)].join('\n'), formatJson(report)];
    },
  });
  return new Map<string, vscode.LanguageModelTool<unknown>>([
    [DESCRIBE_IMAGE_TOOL.vscodeName, describeTool as vscode.LanguageModelTool<unknown>],
    [EXTRACT_TEXT_TOOL.vscodeName, extractTool as vscode.LanguageModelTool<unknown>],
    [ALT_TEXT_CHECK_TOOL.vscodeName, checkTool as vscode.LanguageModelTool<unknown>],
  ]);
}

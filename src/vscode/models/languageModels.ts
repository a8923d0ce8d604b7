/**
 * The models already in VS Code (GitHub Copilot's, or any extension's) as a describe backend: the images, prepared
 * to the size the service would use, go as `LanguageModelDataPart.image(bytes, mime)`; the answer streams into the
 * same document; Cancel goes through the cancellation token; `LanguageModelError`s become clear messages. The API
 * gives no token usage and no finish reason: the result says so instead of inventing them.
 */
import * as vscode from 'vscode';
import type { Credential } from '../../core/net';
import type { ChatBackend, CompleteOptions, CompletionResult } from '../../core/net';
import { DescribeError } from '../../core/base';
import type { WireImage } from '../../core/net';
import type { DescribeSettings } from '../../core/base';

/** An image-capable model in VS Code. */
export interface LanguageModelChoice {
  readonly id: string;
  readonly name: string;
  readonly vendor: string;
  readonly family: string;
  readonly model: vscode.LanguageModelChat;
}

/**
 * Whether a model takes images. The stable API's `LanguageModelChat` does not type it yet; the runtime object
 * carries `capabilities.supportsImageToText` (what providers declare as `capabilities.imageInput`).
 */
export function acceptsImages(model: vscode.LanguageModelChat): boolean {
  const caps = (model as unknown as { capabilities?: { supportsImageToText?: boolean; imageInput?: boolean } }).capabilities;
  return caps?.supportsImageToText === true || caps?.imageInput === true;
}

/** The image-capable models VS Code has now. */
export async function imageModels(): Promise<LanguageModelChoice[]> {
  const all = await vscode.lm.selectChatModels({});
  return all.filter(acceptsImages).map((model) => ({ id: model.id, name: model.name, vendor: model.vendor, family: model.family, model }));
}

/** Where images go with this model, in words. */
export function whereImagesGo(choice: Pick<LanguageModelChoice, 'vendor' | 'name'>): string {
  return vscode.l10n.t('sent through VS Code to {0} ({1})', choice.name, choice.vendor);
}

function decodeDataUrl(url: string): { mime: string; bytes: Uint8Array } {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (!m) throw new DescribeError('bad-input', vscode.l10n.t('VS Code language models take images as bytes; a web address cannot be sent to them.'));
  return { mime: m[1] ?? 'image/png', bytes: Buffer.from(m[2] ?? '', 'base64') };
}

/** A LanguageModelError (or what looks like one) as a DescribeError with actions that help. */
export function languageModelError(e: unknown, modelName: string): DescribeError {
  const code = e instanceof vscode.LanguageModelError ? e.code : (e as { code?: string } | undefined)?.code;
  const message = e instanceof Error ? e.message : String(e);
  switch (code) {
    case 'NoPermissions':
      return new DescribeError('forbidden', vscode.l10n.t('VS Code did not allow Describe Image to use {0}: allow it when VS Code asks (or in the Accounts menu, Manage Language Model Access), or choose another model.', modelName), { cause: e, actions: ['choose-model', 'show-log'] });
    case 'Blocked':
      return new DescribeError('rate-limited', vscode.l10n.t('{0} refused the request (blocked: a quota or a policy of its provider). Try again later, or choose another model. {1}', modelName, message), { cause: e, actions: ['choose-model', 'show-log'] });
    case 'NotFound':
      return new DescribeError('deployment-not-found', vscode.l10n.t('The language model {0} is not available any more: choose another.', modelName), { cause: e, actions: ['choose-model', 'show-log'] });
    default:
      return new DescribeError('server', vscode.l10n.t('{0} failed: {1}', modelName, message), { cause: e, actions: ['retry', 'choose-model', 'show-log'] });
  }
}

/** A describe backend over one of VS Code's language models. */
export class LanguageModelBackend implements ChatBackend {
  readonly credential: Credential = { kind: 'none' };

  constructor(private readonly choice: LanguageModelChoice) {}

  async complete(settings: DescribeSettings, images: readonly WireImage[], options: CompleteOptions = {}): Promise<CompletionResult> {
    const parts: (vscode.LanguageModelTextPart | vscode.LanguageModelDataPart)[] = [
      // The API has user and assistant messages only: the system prompt leads the user's message.
      new vscode.LanguageModelTextPart(`${settings.systemPrompt}\n\n${settings.userPrompt}`),
      ...images.flatMap((image) => [
        ...(image.caption ? [new vscode.LanguageModelTextPart(image.caption)] : []),
        ...[image.url, ...(image.more ?? [])].map((url) => {
          const { mime, bytes } = decodeDataUrl(url);
          return vscode.LanguageModelDataPart.image(bytes, mime);
        }),
      ]),
    ];
    const cancel = new vscode.CancellationTokenSource();
    const onAbort = () => cancel.cancel();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let text = '';
    try {
      if (options.signal?.aborted) throw new DescribeError('cancelled', 'Cancelled.');
      const response = await this.choice.model.sendRequest(
        [vscode.LanguageModelChatMessage.User(parts)],
        { justification: vscode.l10n.t('Describe Image sends the image(s) you chose, with your prompt, to describe them.') },
        cancel.token,
      );
      for await (const delta of response.text) {
        text += delta;
        options.onText?.(delta);
      }
      if (options.signal?.aborted) throw new DescribeError('cancelled', text ? 'Cancelled; the text received so far is kept.' : 'Cancelled.', { partialText: text || undefined });
    } catch (e) {
      if (e instanceof DescribeError) throw e;
      if (options.signal?.aborted || cancel.token.isCancellationRequested) throw new DescribeError('cancelled', text ? 'Cancelled; the text received so far is kept.' : 'Cancelled.', { cause: e, partialText: text || undefined });
      const error = languageModelError(e, this.choice.name);
      throw text ? new DescribeError(error.code, error.message, { cause: e, actions: [...error.actions], partialText: text }) : error;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      cancel.dispose();
    }
    return {
      id: undefined,
      model: `${this.choice.name} (${this.choice.vendor})`,
      content: text,
      finishReason: undefined,
      promptFilter: [],
      completionFilter: [],
      usage: undefined,
      tokenParam: 'max_tokens',
      attempts: 1,
    };
  }

  async close(): Promise<void> {
    // Nothing to close: VS Code owns the model.
  }
}

/**
 * The chat-completions vision request, exactly as the service documents it: a system message, then one user message
 * whose content is a `text` part followed by one `image_url` part per image (`detail` only when set; an animation's
 * chosen frames follow a `text` part that says what they are), and the
 * output-token limit under the parameter name the deployment takes.
 */
import type { DescribeSettings } from '../base';

export type TokenParam = 'max_tokens' | 'max_completion_tokens';

/** One image as it goes on the wire. */
export interface WireImage {
  /** A `data:{mime};base64,…` URL or an http(s) URL the service fetches. */
  readonly url: string;
  /**
   * Text sent just before this image, telling the model what it is (an animation: which frames, when, in which
   * order). The user's prompt stays first.
   */
  readonly caption?: string | undefined;
  /** More images sent right after this one (the other chosen frames of an animation), as `data:` or http(s) URLs. */
  readonly more?: readonly string[] | undefined;
}

/** How many images go on the wire for these (an animation's frames count one each). */
export function wireImageCount(images: readonly WireImage[]): number {
  return images.reduce((n, i) => n + 1 + (i.more?.length ?? 0), 0);
}

export interface ChatTextPart {
  type: 'text';
  text: string;
}
export interface ChatImagePart {
  type: 'image_url';
  image_url: { url: string; detail?: 'low' | 'high' | 'auto' };
}
export interface ChatRequestBody {
  model?: string;
  messages: [
    { role: 'system'; content: string },
    { role: 'user'; content: (ChatTextPart | ChatImagePart)[] },
  ];
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  stream: boolean;
  stream_options?: { include_usage: boolean };
}

export interface BuildOptions {
  readonly tokenParam: TokenParam;
  readonly stream: boolean;
}

/**
 * The output-token parameter a first request uses: Azure documents max_tokens (reasoning deployments refuse it: then
 * max_completion_tokens); OpenAI's API takes max_completion_tokens.
 */
export function defaultTokenParam(settings: Pick<DescribeSettings, 'provider'>): TokenParam {
  return settings.provider === 'openai' ? 'max_completion_tokens' : 'max_tokens';
}

/** The URL that lists models (`GET`): OpenAI-compatible servers and Azure's v1 API have one. */
export function modelsUrl(settings: Pick<DescribeSettings, 'apiStyle' | 'endpoint'>): string {
  return settings.apiStyle === 'openai' ? `${settings.endpoint}/models` : `${settings.endpoint}/openai/v1/models`;
}

/** The URL of the chat-completions operation. */
export function chatCompletionsUrl(settings: DescribeSettings): string {
  if (settings.apiStyle === 'openai') return `${settings.endpoint}/chat/completions`;
  if (settings.apiStyle === 'v1') return `${settings.endpoint}/openai/v1/chat/completions`;
  return (
    `${settings.endpoint}/openai/deployments/${encodeURIComponent(settings.deployment)}/chat/completions` +
    `?api-version=${encodeURIComponent(settings.apiVersion)}`
  );
}

/** `stream_options.include_usage` exists from api-version 2024-09-01-preview on (and always on v1). */
export function supportsStreamUsage(settings: DescribeSettings): boolean {
  if (settings.apiStyle !== 'deployments') return true;
  return settings.apiVersion.slice(0, 10) >= '2024-09-01';
}

export function buildChatBody(settings: DescribeSettings, images: readonly WireImage[], options: BuildOptions): ChatRequestBody {
  const content: (ChatTextPart | ChatImagePart)[] = [{ type: 'text', text: settings.userPrompt }];
  for (const image of images) {
    if (image.caption) content.push({ type: 'text', text: image.caption });
    for (const url of [image.url, ...(image.more ?? [])]) {
      const part: ChatImagePart = { type: 'image_url', image_url: { url } };
      if (settings.detail) part.image_url.detail = settings.detail;
      content.push(part);
    }
  }
  const body: ChatRequestBody = {
    messages: [
      { role: 'system', content: settings.systemPrompt },
      { role: 'user', content },
    ],
    stream: options.stream,
  };
  if (settings.apiStyle !== 'deployments') body.model = settings.deployment;
  body[options.tokenParam] = settings.maxTokens;
  if (settings.temperature !== undefined) body.temperature = settings.temperature;
  if (settings.topP !== undefined) body.top_p = settings.topP;
  if (options.stream && supportsStreamUsage(settings)) body.stream_options = { include_usage: true };
  return body;
}

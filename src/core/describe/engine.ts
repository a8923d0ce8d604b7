/**
 * The describe engine: settings + key + 1–10 image sources → a result, or a DescribeError. Every check that can be
 * made without the network is made first (key present, endpoint safe, every image readable and acceptable).
 */
import type { Credential } from '../net';
import { ChatClient, type ChatBackend, type ClientOptions } from '../net';
import { DEFAULT_MAX_FRAMES, DescribeError, MAX_IMAGES, isConvertible } from '../base';
import { animationPrompt, FrameSizeError, isAnimatedImage, prepareAnimation, type PreparedAnimation } from '../animation';
import { DamagedImageError, loadImages, type ImageSource, type LocalImage } from '../images';
import { prepareLocalImage, prepareUntouched, type PreparedImage } from '../images';
import type { TokenParam } from '../net';
import { describeFilter, type FilterCategory, type Usage } from '../net';
import { assertSecureEndpoint, type DescribeSettings, type Detail, type SettingName } from '../base';

export interface DescribeResult {
  readonly text: string;
  readonly finishReason: string | undefined;
  readonly model: string | undefined;
  readonly deployment: string;
  readonly provider: DescribeSettings['provider'] | 'vscode';
  readonly usage: Usage | undefined;
  readonly promptFilter: readonly FilterCategory[];
  readonly completionFilter: readonly FilterCategory[];
  readonly images: readonly PreparedImage[];
  /** Sentences to show the user beside the result: what they should act on (cut, filtered, renamed types…). */
  readonly warnings: readonly string[];
  /** What was done to the images, for the record (resized, converted): the footer, --verbose, the log at info. */
  readonly notes: readonly string[];
  readonly tokenParam: TokenParam;
  readonly elapsedMs: number;
  /** Requests it took (more than 1 after retries). */
  readonly attempts: number;
  /** Image tokens estimated by the tile formula for all images (undefined if any size is unknown). */
  readonly estimatedImageTokens: number | undefined;
}

/** What happens while a describe runs, for fronts that show progress or text as it arrives. */
export type DescribeEvent =
  /** The images are read and prepared; the request is about to be sent. */
  | { readonly type: 'prepared'; readonly images: readonly PreparedImage[] }
  /** A piece of the description arrived (streaming). */
  | { readonly type: 'text'; readonly delta: string }
  /** Waiting before a retry (429/503/…): `ms` from now, attempt `attempt` of `maxAttempts`. */
  | { readonly type: 'waiting'; readonly reason: string; readonly status: number | undefined; readonly ms: number; readonly attempt: number; readonly maxAttempts: number };

export interface DescribeRequest {
  readonly settings: DescribeSettings;
  /** How to authenticate; not needed when `client` is given (the client has its own). */
  readonly credential?: Credential | undefined;
  /** Paths, http(s) URLs, or images in memory. */
  readonly sources: readonly ImageSource[];
  /** Folder relative paths are resolved against. */
  readonly cwd?: string | undefined;
  readonly signal?: AbortSignal | undefined;
  /** A client (or another backend) to reuse; it remembers which token parameter each deployment takes. */
  readonly client?: ChatBackend | undefined;
  readonly clientOptions?: Omit<ClientOptions, 'credential'> | undefined;
  /** Resize/convert images to what the service uses (default true); false sends the original bytes. */
  readonly resize?: boolean | undefined;
  /** Animated images: the most frames to send of each (1–10, default 6). */
  readonly maxFrames?: number | undefined;
  /** Animated images: what to ask of their frames (default: describe what happens). */
  readonly animationAsk?: string | undefined;
  /** Ask for a streamed answer (text arrives through `onEvent`). */
  readonly stream?: boolean | undefined;
  readonly onEvent?: ((event: DescribeEvent) => void) | undefined;
  /**
   * How the front asks for a setting to be changed, e.g. `raise --max-tokens` (a warning's advice names the front's own
   * input; without it the advice names no front).
   */
  readonly raise?: ((setting: SettingName) => string) | undefined;
}

/** The advice to raise a limit when the front does not word it: it names neither front's inputs. */
const NEUTRAL_RAISE: Record<SettingName, string> = {
  provider: 'choose another provider',
  model: 'choose another model',
  detail: 'choose another detail level',
  maxTokens: 'allow more output tokens',
  temperature: 'change the temperature',
  topP: 'change top_p',
  timeout: 'allow more time',
  proxy: 'check the proxy',
};

/** Checks that need no network: a credential, and an endpoint safe to send it to. */
export function checkReadyToSend(settings: DescribeSettings, credential: Credential | undefined): asserts credential is Credential {
  if (!credential || ((credential.kind === 'api-key' || credential.kind === 'bearer-key') && !credential.key.trim())) {
    throw new DescribeError('missing-key', 'No API key is set, and no Microsoft Entra ID sign-in is chosen.');
  }
  if (credential.kind !== 'none') assertSecureEndpoint(settings.endpoint);
}

/** Load and prepare images: everything that can be refused is refused here, before any request. */
export interface PrepareOptions {
  readonly cwd?: string | undefined;
  /** Resize, orient, convert and re-encode to what the service uses (default true); false sends the original bytes. */
  readonly resize?: boolean | undefined;
  readonly detail?: Detail | undefined;
  /** Animated images: the most frames to send of each (1–10, default 6; 1 = the first frame only). */
  readonly maxFrames?: number | undefined;
  /** Animated images: what to ask of their frames, after saying what they are (default: describe what happens). */
  readonly animationAsk?: string | undefined;
}

export const DEFAULT_ANIMATION_ASK = 'Describe what happens.';

export async function prepareImages(sources: readonly ImageSource[], options: PrepareOptions = {}): Promise<PreparedImage[]> {
  const resize = options.resize !== false;
  const loaded = await loadImages(sources, resize ? { cwd: options.cwd, convertible: (s) => isConvertible(s.mime), allowOversize: true } : { cwd: options.cwd });
  // Animated images send their chosen frames; the service takes 10 images a request, shared among the animations.
  const animated = loaded.map((i) => resize && i.kind === 'file' && isAnimatedImage(i.bytes, i.sniffed.mime, i.sniffed.frames));
  const animations = animated.filter(Boolean).length;
  const asked = clampFrames(options.maxFrames);
  const budget = animations ? Math.max(1, Math.min(asked, Math.floor((MAX_IMAGES - (loaded.length - animations)) / animations))) : 1;
  const settled = await Promise.allSettled(
    loaded.map((image, i) => {
      if (image.kind !== 'file' || !resize) return prepareUntouched(image, options.detail);
      if (animated[i]) return prepareAnimatedImage(image, options.detail, budget, asked, options.animationAsk ?? DEFAULT_ANIMATION_ASK);
      return prepareLocalImage(image, { detail: options.detail });
    }),
  );
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<PreparedImage>).value);
}

/** The frames budget asked for: 1 to 10, the default when not given. */
export function clampFrames(n: number | undefined): number {
  if (n === undefined || !Number.isFinite(n)) return DEFAULT_MAX_FRAMES;
  return Math.max(1, Math.min(MAX_IMAGES, Math.floor(n)));
}

/**
 * An animated image as one prepared image whose wire images are its chosen frames (or one contact sheet), with a
 * caption saying what they are. If the frames cannot be read, the first frame goes, as before, and a note says why.
 */
async function prepareAnimatedImage(image: LocalImage, detail: Detail | undefined, budget: number, asked: number, ask: string): Promise<PreparedImage> {
  let a: PreparedAnimation;
  try {
    a = await prepareAnimation(image, { detail, maxFrames: budget });
  } catch (e) {
    if (e instanceof FrameSizeError) throw e; // its first frame is as big: refused, not decoded
    if (e instanceof DamagedImageError) throw e; // damaged: not even its first frame goes
    return prepareLocalImage(image, { detail, firstFrameReason: `the frames could not be chosen (${e instanceof Error ? e.message : String(e)})` });
  }
  const [first, ...rest] = a.images;
  if (!first) throw new DescribeError('bad-input', `${image.source}: no frame could be prepared.`);
  // Which frames went is said in the footer; a warning only when fewer could go than asked.
  const warnings = image.nameMime && image.nameMime !== image.sniffed.mime ? [`${image.name} is named as ${image.nameMime} but its bytes are ${image.sniffed.mime}.`] : [];
  if (budget < asked && a.totalFrames > budget) warnings.push(`${image.name}: at most ${budget} of the ${asked} frames asked could be sent (a request takes ${MAX_IMAGES} images, shared among the animations).`);
  return {
    ...first,
    caption: a.totalFrames > 1 ? `${animationPrompt(a)}${a.frames.length > 1 ? ` ${ask}` : ''}` : undefined,
    more: rest.map((r) => r.url),
    sentBytes: a.images.reduce((n, i) => n + (i.sentBytes ?? 0), 0),
    estimatedTokens: a.estimatedTokens,
    notes: [],
    warnings,
    animation: { frames: a.frames, totalFrames: a.totalFrames, durationMs: a.durationMs, format: a.format, mode: a.mode, sentImages: a.images.length, note: a.note },
  };
}

/** Estimated image tokens of a request (undefined when an image's size is unknown, e.g. a URL). */
export function totalEstimatedTokens(images: readonly PreparedImage[]): number | undefined {
  let total = 0;
  for (const image of images) {
    if (image.estimatedTokens === undefined) return undefined;
    total += image.estimatedTokens;
  }
  return total;
}

export function resultWarnings(finishReason: string | undefined, text: string, settings: DescribeSettings, completionFilter: readonly FilterCategory[], raise: (setting: SettingName) => string = (s) => NEUTRAL_RAISE[s]): string[] {
  const warnings: string[] = [];
  if (finishReason === 'length') {
    warnings.push(`The description was cut short at the output limit (${settings.maxTokens} tokens): ${raise('maxTokens')} for a complete answer.`);
  } else if (finishReason === 'content_filter') {
    const which = describeFilter(completionFilter);
    warnings.push(`Part of the description was withheld by the content filter${which ? ` (${which})` : ''}.`);
  }
  if (!text.trim() && finishReason !== 'content_filter') {
    warnings.push('The model returned no text.');
  }
  return warnings;
}

/** A request's images prepared as describeImages sends them (a batch line prepares them the same way). */
export function prepareRequestImages(req: Pick<DescribeRequest, 'settings' | 'sources' | 'cwd' | 'resize' | 'maxFrames' | 'animationAsk'>): Promise<PreparedImage[]> {
  return prepareImages(req.sources, { cwd: req.cwd, resize: req.resize, detail: req.settings.detail, maxFrames: req.maxFrames, animationAsk: req.animationAsk });
}

export async function describeImages(req: DescribeRequest): Promise<DescribeResult> {
  const { settings } = req;
  const credential = req.client?.credential ?? req.credential;
  checkReadyToSend(settings, credential);
  const images = await prepareRequestImages(req);
  if (req.signal?.aborted) throw new DescribeError('cancelled', 'Cancelled.');
  req.onEvent?.({ type: 'prepared', images });
  const client = req.client ?? new ChatClient({ ...req.clientOptions, credential });
  const started = Date.now();
  try {
    const onEvent = req.onEvent;
    const completion = await client.complete(settings, images, {
      signal: req.signal,
      stream: req.stream,
      onText: onEvent ? (delta) => onEvent({ type: 'text', delta }) : undefined,
      onWaiting: onEvent ? (info) => onEvent({ type: 'waiting', ...info }) : undefined,
    });
    const warnings = [
      ...images.flatMap((i) => i.warnings),
      ...resultWarnings(completion.finishReason, completion.content, settings, completion.completionFilter, req.raise),
    ];
    return {
      text: completion.content,
      finishReason: completion.finishReason,
      model: completion.model,
      deployment: settings.deployment,
      provider: settings.provider,
      usage: completion.usage,
      promptFilter: completion.promptFilter,
      completionFilter: completion.completionFilter,
      images,
      warnings,
      notes: images.flatMap((i) => i.notes),
      tokenParam: completion.tokenParam,
      elapsedMs: Date.now() - started,
      attempts: completion.attempts,
      estimatedImageTokens: totalEstimatedTokens(images),
    };
  } finally {
    if (!req.client) await client.close();
  }
}

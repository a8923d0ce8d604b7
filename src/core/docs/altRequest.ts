/**
 * One alt-text request, as every way of sending it makes it (the interactive run in generate.ts, the batch in
 * core/batch): the prompt, the settings and the cache key of an image's group, the image as it is prepared, and how
 * an answer becomes an outcome — cut, filtered, empty or secret-holding answers are never alt text; what is usable is
 * put in the cache.
 */
import { clampFrames, type DescribeRequest } from '../describe';
import { DEFAULT_ALT_MAX_LENGTH, type DescribeSettings } from '../base';
import type { ChatBackend } from '../net';
import { altCacheKey, type AltCache } from './altCache';
import { contextLines, type AltContext } from './altContext';
import { answerForCache, finalPurpose, parseAltAnswer, withPurpose, type AltAnswer, type AltPurpose, type DocPurpose } from './purpose';

/**
 * The alt-text request. With context (the heading, the introducing sentence, the caption, the title and the text
 * around the image: altContext.ts), the model is asked to use it to understand the image's role, not to copy it.
 */
export function altPrompt(maxLength = DEFAULT_ALT_MAX_LENGTH, context?: AltContext): string {
  const lines = [
    `Write alt text for this image as it appears in technical documentation: one concise sentence of at most ${maxLength} characters ` +
      'saying what it shows and why it matters to the reader. Read important on-screen text exactly. Do not start with "Image of", ' +
      '"Picture of" or "Screenshot of". If the image is purely decorative, answer only: decorative. Answer with the alt text only.',
  ];
  const about = contextLines(context);
  if (about.length) lines.push('', ...about);
  return lines.join('\n');
}

/** For an animation's frames: the alt text says what happens, not what the first frame shows. */
export const ANIMATION_ALT_ASK = 'The alt text is for this animation: say in one sentence what happens in it.';

export interface AltJob {
  /** The caller's id (e.g. file + offset). */
  readonly id: string;
  /** Absolute path or http(s) URL (already resolved and checked by the caller); with `bytes`, the image's name. */
  readonly source: string;
  /** The image itself, when it is not (yet) a file: a pasted screenshot. */
  readonly bytes?: Uint8Array | undefined;
  readonly context?: AltContext | undefined;
  /** What the document says of the image's purpose (purpose.ts); undefined: the model decides. */
  readonly purpose?: DocPurpose | undefined;
}

/** `alt`: the alt text, or with an `ask`, the value its `read` made of the answer. */
export type AltOutcome =
  | { readonly ok: true; readonly alt: string; readonly cached: boolean; readonly purpose?: AltPurpose | undefined; readonly longDescription?: string | undefined }
  | { readonly ok: false; readonly reason: string; readonly status: 'failed' | 'cancelled' | 'stopped' };

/**
 * A run that asks something else about each image than its alt text (verify.ts: does this alt text fit?). Jobs share
 * a request only when both their image and their prompt are the same; `kind` keeps its cache keys apart from alt
 * text's; `read` turns an answer into the value that is cached and returned, or says why it is not usable.
 */
export interface ImageAsk {
  readonly kind: string;
  /** What to do with an animation's frames (default: alt text's ANIMATION_ALT_ASK). */
  readonly animationAsk?: string | undefined;
  prompt(job: AltJob): string;
  read(answer: string): { readonly ok: true; readonly value: string } | { readonly ok: false; readonly reason: string };
}

export interface AltRunOptions {
  readonly settings: DescribeSettings;
  /** Ask something else than alt text (default: alt text, with `prompt` or altPrompt). */
  readonly ask?: ImageAsk | undefined;
  /** The client (it holds the credential), or another backend. */
  readonly client: ChatBackend;
  readonly cache?: AltCache | undefined;
  readonly maxLength?: number | undefined;
  /** Resize images to what the service uses (default true). */
  readonly resize?: boolean | undefined;
  /** Animated images: the most frames sent (default 6). */
  readonly maxFrames?: number | undefined;
  /** Prompt override (e.g. Refine: an instruction plus the current alt). */
  readonly prompt?: string | undefined;
  readonly maxConcurrency?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** After each image: how many are finished, and how (failed and cancelled work is never counted as done). */
  readonly onProgress?: ((progress: AltProgress) => void) | undefined;
}

/** How far a run is: each job finished once, as done (an alt text), failed, or cancelled (not sent, or stopped). */
export interface AltProgress {
  readonly total: number;
  readonly done: number;
  readonly failed: number;
  /** Cancelled by the user, or not sent because an error stopped the run. */
  readonly cancelled: number;
  /** The image that just finished. */
  readonly current: string;
}


/** The settings and prompt for a group's first image, and the cache key of everything that changes the answer. */
export interface AltRequest {
  readonly settings: DescribeSettings;
  readonly key: string;
}

export function altRequestOf(options: AltRunOptions, contentId: string, first: AltJob): AltRequest {
  const maxLength = options.maxLength ?? DEFAULT_ALT_MAX_LENGTH;
  const prompt = options.ask ? options.ask.prompt(first) : (options.prompt ?? withPurpose(altPrompt(maxLength, first.context), maxLength, first.purpose));
  const settings: DescribeSettings = { ...options.settings, userPrompt: prompt, maxTokens: Math.max(options.settings.maxTokens, 300) };
  const key = altCacheKey({
    contentHash: contentId,
    endpoint: settings.endpoint,
    model: settings.deployment,
    systemPrompt: settings.systemPrompt,
    userPrompt: prompt,
    detail: settings.detail,
    resize: options.resize !== false,
    maxLength,
    maxFrames: clampFrames(options.maxFrames),
    kind: options.ask?.kind,
  });
  return { settings, key };
}

/** What the describe engine is given for a group's image: the same for a request sent now and a batch line. */
export function altImageInput(options: AltRunOptions, first: AltJob, settings: DescribeSettings): Pick<DescribeRequest, 'settings' | 'sources' | 'resize' | 'maxFrames' | 'animationAsk'> {
  return {
    settings,
    sources: [first.bytes ? { name: first.source, bytes: first.bytes } : first.source],
    resize: options.resize !== false,
    maxFrames: options.maxFrames,
    animationAsk: options.ask?.animationAsk ?? ANIMATION_ALT_ASK,
  };
}

const HELD_SECRET: AltOutcome = { ok: false, reason: 'The answer held the credential that was sent (a page may have told the model to print it); it was not used.', status: 'failed' };

/** The model's answer to a group's request (`finishReason` as the service gave it) read into an outcome; kept in the cache when usable. */
export function altOutcomeOfAnswer(options: AltRunOptions, first: AltJob, key: string, text: string, finishReason: string | undefined, redact: ((text: string) => string) | undefined): AltOutcome {
  if (finishReason === 'length') return { ok: false, reason: 'The answer was cut at the output limit; nothing was inserted.', status: 'failed' };
  if (finishReason === 'content_filter') return { ok: false, reason: 'The answer was filtered by the content filter; nothing was inserted.', status: 'failed' };
  // An answer that holds a secret the client sent (a hostile server or proxy echoing the key) is never written:
  // looked for in the text and in what is read from it (JSON escapes and cleaning can hide it from the text).
  const holdsSecret = (t: string) => !!redact && redact(t) !== t;
  if (holdsSecret(text)) return HELD_SECRET;
  if (options.ask) {
    const read = options.ask.read(text);
    if (!read.ok) return { ok: false, reason: read.reason, status: 'failed' };
    if (holdsSecret(read.value)) return HELD_SECRET;
    options.cache?.set(key, read.value);
    return { ok: true, alt: read.value, cached: false };
  }
  const maxLength = options.maxLength ?? DEFAULT_ALT_MAX_LENGTH;
  const answer = parseAltAnswer(text, maxLength);
  if (holdsSecret(`${answer.alt}\n${answer.longDescription ?? ''}`)) return HELD_SECRET;
  const outcome = outcomeOf(options, first, answer, false);
  // Kept: an alt text, or (purpose-aware) the judgement "decorative", so a rerun asks nothing.
  if (options.prompt === undefined && (outcome.ok || answer.purpose === 'decorative')) options.cache?.set(key, answerForCache(answer));
  else if (outcome.ok) options.cache?.set(key, outcome.alt);
  return outcome;
}

/** A cached answer read into an outcome, as a fresh one is. */
export function cachedAltOutcome(options: AltRunOptions, first: AltJob, hit: string): AltOutcome {
  return options.ask ? { ok: true, alt: hit, cached: true } : outcomeOf(options, first, parseAltAnswer(hit, options.maxLength ?? DEFAULT_ALT_MAX_LENGTH), true);
}

/** An answer (or a cached one) read: the alt text, the purpose and a long description; decorative or empty is none. */
function outcomeOf(options: AltRunOptions, first: AltJob, answer: AltAnswer, cached: boolean): AltOutcome {
  if (answer.purpose === 'decorative') return { ok: false, reason: 'The model judged the image decorative: left for you to decide (mark it decorative if it is).', status: 'failed' };
  if (!answer.alt) return { ok: false, reason: 'The model gave no usable text.', status: 'failed' };
  if (options.prompt !== undefined) return { ok: true, alt: answer.alt, cached };
  return { ok: true, alt: answer.alt, cached, purpose: finalPurpose(first.purpose, answer), longDescription: answer.longDescription };
}

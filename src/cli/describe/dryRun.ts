/**
 * --dry-run: prepare the images exactly as a real run would and print, as JSON, what would be sent; sends nothing and
 * needs no key. Also --frames, which both a dry run and a real one read.
 */
import { buildChatBody, chatCompletionsUrl, wireImageCount } from '../../core/net';
import { prepareImages, totalEstimatedTokens } from '../../core/describe';
import { DescribeError, isDescribeError, MAX_FRAMES, DETAILS, type DescribeSettings, type Detail } from '../../core/base';
import { cliMessage, cliSettings, errorCodeOf, type CliIo, type Failure } from '../base';

/** --frames: a whole number from 1 to MAX_FRAMES. */
export function parseFrames(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_FRAMES) throw new DescribeError('bad-input', `--frames must be a whole number from 1 to ${MAX_FRAMES} (got ${value}).`);
  return n;
}

/** --dry-run: prepare the images exactly as a real run would, print what would be sent, send nothing. */
export async function dryRun(
  sources: string[],
  v: { endpoint?: string | undefined; deployment?: string | undefined; 'api-version'?: string | undefined; detail?: string | undefined; 'max-tokens'?: string | undefined; prompt?: string | undefined; 'no-resize'?: boolean | undefined; frames?: string | undefined },
  io: CliIo,
  fail: Failure,
): Promise<number> {
  try {
    const detailText = v.detail?.trim().toLowerCase();
    if (detailText && !(DETAILS as readonly string[]).includes(detailText)) throw new DescribeError('bad-input', `Detail must be low, high or auto (got "${v.detail}").`, { setting: 'detail' });
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
    if (isDescribeError(e)) return fail(e.isInputError ? 2 : 1, cliMessage(e), e.code);
    return fail(1, `unexpected error: ${e instanceof Error ? e.message : String(e)}`, errorCodeOf(e));
  }
}


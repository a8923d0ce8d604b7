/**
 * The batch's input: one JSONL line per request — the same body the interactive run sends (core/docs altRequest.ts
 * and the describe engine prepare the image, core/net builds the body), with the deployment as `model` — written to
 * files as each image is prepared (an image's base64 is held only while its line is made), a new file each time the
 * requests per file or the bytes per file would pass the service's limits.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { prepareRequestImages, totalEstimatedTokens } from '../describe';
import { buildChatBody, defaultTokenParam } from '../net';
import { altImageInput, type AltGroup, type AltRunOptions } from '../docs';
import { DescribeError, isDescribeError } from '../base';
import { batchOperation, type BatchShape } from './api';

export interface BatchLimits {
  /** Requests per input file. */
  readonly maxRequests: number;
  /** Bytes per input file. */
  readonly maxBytes: number;
}

const MB = 1024 * 1024;
/** OpenAI: 50,000 requests and 200 MB per input file. */
export const OPENAI_BATCH_LIMITS: BatchLimits = { maxRequests: 50_000, maxBytes: 200 * MB };
/** Azure OpenAI global batch: 100,000 requests and 200 MB per input file. */
export const AZURE_BATCH_LIMITS: BatchLimits = { maxRequests: 100_000, maxBytes: 200 * MB };

export function batchLimitsOf(shape: BatchShape): BatchLimits {
  return shape === 'openai' ? OPENAI_BATCH_LIMITS : AZURE_BATCH_LIMITS;
}

/** One input file: where it is, its requests (custom ids) and size. */
export interface InputPart {
  readonly file: string;
  readonly customIds: string[];
  bytes: number;
}

export interface BatchInput {
  readonly parts: InputPart[];
  /** Per custom id: the group it asks for. */
  readonly requests: Map<string, AltGroup>;
  /** Groups that could not go (an image that can't be prepared, a line over the size limit), with why. */
  readonly refused: { readonly group: AltGroup; readonly reason: string }[];
  /** Image tokens estimated by the tile formula (undefined when an image's size is unknown). */
  imageTokens: number | undefined;
  /** The prompts' characters (the system and user text). */
  promptChars: number;
  /** The most output tokens asked per request. */
  maxTokens: number;
}

export interface WriteInputOptions {
  readonly shape: BatchShape;
  readonly options: AltRunOptions;
  /** Folder for the input files (created). */
  readonly dir: string;
  readonly limits: BatchLimits;
  readonly signal?: AbortSignal | undefined;
}

/** Write the JSONL files for these groups (those without a cached answer); custom ids are `alt-1`, `alt-2`, …. */
export async function writeBatchInput(groups: readonly AltGroup[], o: WriteInputOptions): Promise<BatchInput> {
  await fs.mkdir(o.dir, { recursive: true });
  const input: BatchInput = { parts: [], requests: new Map(), refused: [], imageTokens: 0, promptChars: 0, maxTokens: 0 };
  let part: InputPart | undefined;
  let handle: fs.FileHandle | undefined;
  try {
    for (const group of groups) {
      if (o.signal?.aborted) throw new DescribeError('cancelled', 'Cancelled.');
      const customId = `alt-${input.requests.size + input.refused.length + 1}`;
      const line = await lineOf(customId, group, o, input).catch((e: unknown) => {
        if (isDescribeError(e) && e.code === 'cancelled') throw e;
        input.refused.push({ group, reason: e instanceof Error ? e.message : String(e) });
        return undefined;
      });
      if (!line) continue;
      const bytes = Buffer.byteLength(line);
      if (bytes > o.limits.maxBytes) {
        input.refused.push({ group, reason: `its request is ${bytes} bytes, more than a batch file takes (${o.limits.maxBytes})` });
        continue;
      }
      if (!part || part.customIds.length >= o.limits.maxRequests || part.bytes + bytes > o.limits.maxBytes) {
        await handle?.close();
        part = { file: path.join(o.dir, `batch-input-${input.parts.length + 1}.jsonl`), customIds: [], bytes: 0 };
        input.parts.push(part);
        handle = await fs.open(part.file, 'w');
      }
      await handle?.write(line);
      part.bytes += bytes;
      part.customIds.push(customId);
      input.requests.set(customId, group);
    }
  } finally {
    await handle?.close();
  }
  return input;
}

/** One JSONL line: the group's first image prepared and its body built as an interactive request's. */
async function lineOf(customId: string, group: AltGroup, o: WriteInputOptions, input: BatchInput): Promise<string | undefined> {
  const first = group.jobs[0];
  if (!first) return undefined;
  if (group.unreadable) throw new Error(`${first.source} can't be read`);
  const images = await prepareRequestImages(altImageInput(o.options, first, group.settings));
  const body = { ...buildChatBody(group.settings, images, { tokenParam: defaultTokenParam(group.settings), stream: false }), model: group.settings.deployment };
  const tokens = totalEstimatedTokens(images);
  input.imageTokens = tokens === undefined || input.imageTokens === undefined ? undefined : input.imageTokens + tokens;
  input.promptChars += group.settings.systemPrompt.length + group.settings.userPrompt.length;
  input.maxTokens = Math.max(input.maxTokens, group.settings.maxTokens);
  return `${JSON.stringify({ custom_id: customId, method: 'POST', url: batchOperation(o.shape), body })}\n`;
}

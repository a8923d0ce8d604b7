/** What the user and the model are told about the frames sent: which, when, of what, and how. */
import type { AnimationFormat, PreparedAnimation } from './types';

const FORMAT_NAMES: Readonly<Record<AnimationFormat, string>> = { gif: 'animated GIF', webp: 'animated WebP', apng: 'animated PNG', still: 'image' };

/** A time in seconds, to a tenth. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function recordingWords(a: Pick<PreparedAnimation, 'durationMs' | 'format'>): string {
  return `a ${(a.durationMs / 1000).toFixed(1)}-second ${FORMAT_NAMES[a.format]}`;
}

/** "frames 1, 12 and 45 of 45 (0.0 s … 4.4 s) of a 4.5-second animated GIF, sent as a contact sheet" */
export function animationNote(a: Pick<PreparedAnimation, 'frames' | 'totalFrames' | 'durationMs' | 'format' | 'mode' | 'images'>): string {
  if (a.totalFrames <= 1) return 'a still image (one frame), sent as 1 image';
  const first = a.frames[0];
  const lastFrame = a.frames[a.frames.length - 1];
  if (!first || !lastFrame) return '';
  const which = `${a.frames.length === 1 ? 'frame' : 'frames'} ${listWords(a.frames.map((f) => String(f.index + 1)))} of ${a.totalFrames}`;
  const when = a.frames.length === 1 ? `(${seconds(first.timeMs)})` : `(${seconds(first.timeMs)} … ${seconds(lastFrame.timeMs)})`;
  const how = a.mode === 'sheet' ? 'sent as a contact sheet' : a.images.length === 1 ? 'sent as 1 image' : `sent as ${a.images.length} images`;
  return `${which} ${when} of ${recordingWords(a)}, ${how}`;
}

/**
 * The text to put before the frames, telling the model what it gets: which frames, when, in which order (for a
 * contact sheet: the numbers in reading order). Empty for a still image. What to do with them is the caller's (see
 * `animationAsk` in describe.ts).
 */
export function animationPrompt(a: Pick<PreparedAnimation, 'frames' | 'totalFrames' | 'durationMs' | 'format' | 'mode'>): string {
  const n = a.frames.length;
  if (a.totalFrames <= 1) return '';
  const recording = `${recordingWords(a)} of ${a.totalFrames} frames`;
  if (n <= 1) return `This image is the first frame (0.0 s) of ${recording}; the other frames are not shown.`;
  const frameNumbers = listWords(a.frames.map((f) => String(f.index + 1)));
  if (a.mode === 'sheet') {
    const times = listWords(a.frames.map((f, k) => `${k + 1} at ${seconds(f.timeMs)}`));
    return `This image is a contact sheet of ${n} frames (frames ${frameNumbers}) of ${recording}, numbered 1–${n} in reading order (left to right, top to bottom), in time order: ${times}.`;
  }
  const times = listWords(a.frames.map((f) => seconds(f.timeMs)));
  return `These ${n} images are frames ${frameNumbers} of ${recording}, in time order (at ${times}).`;
}

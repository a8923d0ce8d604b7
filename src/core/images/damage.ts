/**
 * Damaged images: found by decoding them before anything is sent. A file cut short (a download or copy that stopped)
 * or with bytes changed in the middle still has a good header, so its type and size read fine; only its pixels show
 * it. sharp's decoders stop at any damage they notice (`failOn: 'warning'`, sharp's advice for untrusted input: a JPEG
 * with a corrupt data segment only warns); BMP and SVG have their own decoders (rasterise.ts).
 */
import type { FailOnOptions } from 'sharp';
import { DescribeError } from '../base';
import { sharp } from './sharp';

/** What did not happen because of the damage: the image was not sent (describe), or its text was not read (OCR). */
export type DamageOutcome = 'sent' | 'read';

/** An image whose data is damaged or cut short; the message names the file and says nothing was sent. */
export class DamagedImageError extends DescribeError {
  readonly file: string;
  /** What the decoder said (for the message and logs). */
  readonly why: string;

  constructor(file: string, why: string, outcome: DamageOutcome = 'sent', cause?: unknown) {
    super('bad-input', `${file}: the image is damaged or cut short (${why}); ${outcome === 'sent' ? 'it was not sent' : 'its text was not read'}.`, { cause });
    this.file = file;
    this.why = why;
  }

  /** The same damage, said of reading the image's text. */
  whenReading(): DamagedImageError {
    return new DamagedImageError(this.file, this.why, 'read', this.cause);
  }
}

/** How sharp opens every image it decodes here: it stops at any damage its decoder notices. */
export const DECODE_FAIL_ON: FailOnOptions = 'warning';

/**
 * The types sharp always decodes: when it can't read one of them, the file is damaged. Others (TIFF, AVIF, HEIF…)
 * may lack a codec in this build, which is not the file's fault.
 */
const ALWAYS_DECODED: readonly string[] = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

/** The decoder's own words, first line. */
function decoderWords(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0]?.trim() || 'the decoder stopped';
}

/**
 * The error for an image its decoder refused: damaged, for the types sharp always decodes; otherwise that this type
 * can't be decoded here. A DescribeError already made (e.g. too many pixels) passes through.
 */
export function decodeFailure(file: string, mime: string, e: unknown, outcome: DamageOutcome = 'sent'): DescribeError {
  if (e instanceof DamagedImageError) return outcome === 'read' ? e.whenReading() : e;
  if (e instanceof DescribeError) return e;
  if (ALWAYS_DECODED.includes(mime)) return new DamagedImageError(file, decoderWords(e), outcome, e);
  const kind = mime.replace('image/', '').toUpperCase();
  return new DescribeError('bad-input', `${file}: this ${kind} image can't be decoded here (${decoderWords(e)}); save it as PNG or JPEG and try again.`, { cause: e });
}

/**
 * Decode a whole image only to check it: for an image sent as it is (it fits already, or `--no-resize`), and for a
 * JPEG that is resized (a resizing decode does not pass on libjpeg's warning about corrupt data, so a JPEG with
 * damaged data would be resized without a word). Every pixel is decoded, line by line, into statistics: nothing big
 * is held.
 */
export async function checkDecodes(file: string, bytes: Uint8Array, mime: string, limitInputPixels: number): Promise<void> {
  try {
    await sharp()(bytes, { pages: 1, limitInputPixels, failOn: DECODE_FAIL_ON }).stats();
  } catch (e) {
    throw decodeFailure(file, mime, e);
  }
}

/**
 * Reading a documentation file's bytes as text: UTF-8 only, decoded strictly. A file that is not valid UTF-8 (Latin-1,
 * Windows-1252, UTF-16) is never decoded with replacement characters — writing such a text back would put U+FFFD in
 * place of every byte the decoder could not read — so it is refused with the line of its first bad byte.
 */
import { DocParseError } from '../base';

/** A file whose bytes are not UTF-8: it is reported and skipped, never parsed, never rewritten. */
export class NotUtf8Error extends DocParseError {
  override readonly name = 'NotUtf8Error';
  constructor(line: number) {
    super(`not valid UTF-8 (line ${line}); it is not read, so it is never rewritten: save it as UTF-8 to check it`, line, 1);
  }
}

export interface DecodeOptions {
  /**
   * Keep a byte order mark as U+FEFF at the start of the text (the CLI writes the text back as it is, BOM included);
   * otherwise drop it, as editors do (VS Code's documents have no BOM in their text and write it back on save).
   */
  readonly keepBom: boolean;
}

/** The text of a file's bytes. Throws NotUtf8Error for bytes that are not UTF-8. */
export function decodeDocText(bytes: Uint8Array, options: DecodeOptions): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: options.keepBom }).decode(bytes);
  } catch {
    throw new NotUtf8Error(firstBadLine(bytes));
  }
}

/** The 1-based line of the first byte that is not UTF-8 (a newline byte never occurs inside a UTF-8 sequence). */
function firstBadLine(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0x0a) continue;
    try {
      decoder.decode(bytes.subarray(start, i));
    } catch {
      return line;
    }
    line++;
    start = i + 1;
  }
  return 1;
}

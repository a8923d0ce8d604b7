/**
 * Microsoft Learn's image syntax as a micromark extension, so that the CommonMark parser itself decides where it is
 * (never in code, front matter or HTML) and gives exact positions:
 *
 *     :::image type="content" source="media/x.png" alt-text="What it shows" lightbox="media/x-big.png":::
 *     :::image type="complex" source="media/chart.png" alt-text="Short alt":::
 *        the long description (Markdown)
 *     :::image-end:::
 *
 * There is no JavaScript parser for Learn's Markdown (it is a Markdig extension in .NET); this follows docfx's own
 * grammar (Docfx.MarkdigEngine.Extensions, TripleColonBlockParser / TripleColonInlineParser, read for this): `:::`,
 * a name (a letter, then letters, digits and `-`; compared case-insensitively), then attributes — a name of the same
 * shape, optionally `=` and a value in double quotes with no escapes (a value cannot hold `"`) — separated by spaces,
 * and `:::` to close. docfx reads both a line of its own (a block) and the middle of a paragraph (inline); as a text
 * construct this does both. One deliberate difference: an attribute list may not go over a line ending here (docfx's
 * block form cannot either; only its inline form can), so a `:::image` broken over lines is read as text, not guessed.
 * `:::image-end:::` (spaces allowed before the closing colons) closes a `type="complex"` image's long description; it
 * is the same token, told apart by its name (`learnImageName` is `image` or `image-end`).
 */
import type { Code, Construct, Effects, Extension, State, TokenizeContext } from 'micromark-util-types';

declare module 'micromark-util-types' {
  interface TokenTypeMap {
    learnImage: 'learnImage';
    learnImageMarker: 'learnImageMarker';
    learnImageName: 'learnImageName';
    learnImageAttribute: 'learnImageAttribute';
    learnImageAttributeName: 'learnImageAttributeName';
    learnImageAttributeValueMarker: 'learnImageAttributeValueMarker';
    learnImageAttributeValue: 'learnImageAttributeValue';
  }
}

const COLON = 58;
const DASH = 45;
const EQUALS = 61;
const QUOTE = 34;

const isAlpha = (code: Code): boolean => code !== null && ((code >= 65 && code <= 90) || (code >= 97 && code <= 122));
const isNameChar = (code: Code): boolean => isAlpha(code) || (code !== null && code >= 48 && code <= 57) || code === DASH;
/** Space or tab (micromark gives a tab as -2 followed by virtual spaces -1). */
const isSpace = (code: Code): boolean => code === 32 || code === -2 || code === -1;
/** End of input or a line ending (-5, -4, -3: CR, LF, CRLF). */
const isEol = (code: Code): boolean => code === null || code === -5 || code === -4 || code === -3;

// eslint-disable-next-line max-lines-per-function -- a micromark tokenizer is one state machine whose states share its closure (micromark's own constructs are written so); split, each state would need the effects and counters passed around
function tokenizeLearnImage(this: TokenizeContext, effects: Effects, ok: State, nok: State): State {
  // Called where the construct would start, so `this.previous` is the character before it.
  const allowed = previous.call(this, this.previous);
  let colons = 0;
  let name = '';
  return start;

  function start(code: Code): State | undefined {
    if (!allowed) return nok(code);
    effects.enter('learnImage');
    effects.enter('learnImageMarker');
    return openColons(code);
  }

  function openColons(code: Code): State | undefined {
    if (code === COLON && colons < 3) {
      colons++;
      effects.consume(code);
      return openColons;
    }
    if (colons !== 3 || !isAlpha(code)) return nok(code);
    effects.exit('learnImageMarker');
    effects.enter('learnImageName');
    return nameChars(code);
  }

  function nameChars(code: Code): State | undefined {
    if (isNameChar(code)) {
      name += String.fromCharCode(code as number).toLowerCase();
      effects.consume(code);
      return nameChars;
    }
    effects.exit('learnImageName');
    if (name === 'image') return between(code);
    if (name === 'image-end') return endSpaces(code);
    return nok(code);
  }

  // `:::image-end   :::`
  function endSpaces(code: Code): State | undefined {
    if (isSpace(code)) {
      effects.consume(code);
      return endSpaces;
    }
    if (code !== COLON) return nok(code);
    return close(code);
  }

  /** Between attributes: spaces, then another attribute or the closing `:::`. */
  function between(code: Code): State | undefined {
    if (isSpace(code)) {
      effects.consume(code);
      return between;
    }
    if (code === COLON) return close(code);
    if (!isAlpha(code)) return nok(code);
    effects.enter('learnImageAttribute');
    effects.enter('learnImageAttributeName');
    return attributeName(code);
  }

  function attributeName(code: Code): State | undefined {
    if (isNameChar(code)) {
      effects.consume(code);
      return attributeName;
    }
    effects.exit('learnImageAttributeName');
    return beforeEquals(code);
  }

  function beforeEquals(code: Code): State | undefined {
    if (isSpace(code)) {
      effects.consume(code);
      return beforeEquals;
    }
    if (code !== EQUALS) {
      effects.exit('learnImageAttribute');
      return between(code);
    }
    effects.consume(code);
    return beforeValue;
  }

  function beforeValue(code: Code): State | undefined {
    if (isSpace(code)) {
      effects.consume(code);
      return beforeValue;
    }
    if (code !== QUOTE) return nok(code);
    effects.enter('learnImageAttributeValueMarker');
    effects.consume(code);
    effects.exit('learnImageAttributeValueMarker');
    return valueStart;
  }

  function valueStart(code: Code): State | undefined {
    if (code === QUOTE) return valueEnd(code);
    if (isEol(code)) return nok(code);
    effects.enter('learnImageAttributeValue');
    return value(code);
  }

  function value(code: Code): State | undefined {
    if (code === QUOTE) {
      effects.exit('learnImageAttributeValue');
      return valueEnd(code);
    }
    if (isEol(code)) return nok(code);
    effects.consume(code);
    return value;
  }

  function valueEnd(code: Code): State | undefined {
    effects.enter('learnImageAttributeValueMarker');
    effects.consume(code);
    effects.exit('learnImageAttributeValueMarker');
    effects.exit('learnImageAttribute');
    return between;
  }

  /** The closing `:::`, then the whole construct ends. */
  function close(code: Code): State | undefined {
    let closing = 0;
    effects.enter('learnImageMarker');
    const more = (c: Code): State | undefined => {
      if (c === COLON && closing < 3) {
        closing++;
        effects.consume(c);
        return more;
      }
      if (closing !== 3) return nok(c);
      effects.exit('learnImageMarker');
      effects.exit('learnImage');
      return ok(c);
    };
    return more(code);
  }
}

/**
 * Where `:::image` may start: not right after a colon (unless that colon is escaped) — exactly where the directive
 * extension lets a text directive (`:name`) start. micromark tries every text construct of a character wherever data
 * stops for any one of them, and data stops where some construct's `previous` allows; the directive's text construct
 * does not check its `previous` again, so a construct on `:` with another `previous` (or none) made `a::b` read as `a:`
 * and a directive `:b`. (docfx would also read `::::image` from its second colon; no Learn page writes that.)
 */
function previous(this: TokenizeContext, code: Code): boolean {
  return code !== COLON || this.events[this.events.length - 1]?.[1].type === 'characterEscape';
}

const learnImageConstruct: Construct = { name: 'learnImage', tokenize: tokenizeLearnImage, previous };

/** The micromark extension: `:::image …:::` and `:::image-end:::` wherever text is read. */
export function learnImage(): Extension {
  return { text: { [COLON]: learnImageConstruct } };
}

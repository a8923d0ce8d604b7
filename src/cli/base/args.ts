/**
 * Command-line flags, read with Node's parser and refused in the CLI's own words: an unknown flag names the closest
 * known one ("did you mean --detail?"), a flag without its value says so, and every refusal ends with one line that
 * says where the usage is (never the whole help).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Bad usage: one sentence, with the command's --help pointer. `json` says whether --json was among the flags. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly json: boolean,
  ) {
    super(message);
  }
}

/** The edit distance of two words: insertions, deletions, substitutions and swaps of two neighbours (--detial). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** The known flag closest to a mistyped one, when it is close enough to be what was meant. */
export function closestFlag(typed: string, options: Options): string | undefined {
  const word = typed.replace(/^-+/, '').toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of Object.keys(options)) {
    const distance = editDistance(word, name.toLowerCase());
    if (!best || distance < best.distance) best = { name, distance };
  }
  // A third of the word may differ (at least one letter, at most three): further away is another word.
  const allowed = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  return best && best.distance <= allowed ? `--${best.name}` : undefined;
}

/** What is wrong with one option token, in words; undefined when nothing is. */
function tokenProblem(token: { name: string; rawName: string; value?: string | undefined; inlineValue?: boolean | undefined }, options: Options): string | undefined {
  const known = options[token.name];
  if (!known) {
    const near = closestFlag(token.rawName, options);
    return `unknown flag ${token.rawName}${near ? `: did you mean ${near}?` : '.'}`;
  }
  if (known.type === 'string' && token.value === undefined) return `${token.rawName} needs a value.`;
  if (known.type === 'string' && !token.inlineValue && token.value?.startsWith('-')) {
    return `${token.rawName} needs a value, and got the flag ${token.value} (write ${token.rawName}=${token.value} if that is the value).`;
  }
  if (known.type === 'boolean' && token.value !== undefined) return `${token.rawName} takes no value (got ${token.rawName}=${token.value}).`;
  return undefined;
}

/** Dashes that are not the hyphen-minus (-): what a word processor or a web page makes of "--" or "-". */
const OTHER_DASHES = /^[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]+/u;

/**
 * An argument that is a known flag written with another dash (—detail, –detail=low, pasted from a document): said
 * so, instead of being taken for a file of that name. Arguments after `--` are left alone.
 */
function otherDashProblem(tokens: ReturnType<typeof parseArgs>['tokens'], options: Options): string | undefined {
  for (const token of tokens ?? []) {
    if (token.kind === 'option-terminator') return undefined;
    if (token.kind !== 'positional' || !OTHER_DASHES.test(token.value)) continue;
    const near = closestFlag(token.value.replace(OTHER_DASHES, '').split('=')[0] ?? '', options);
    if (near) return `${token.value} starts with a dash (${token.value[0] ?? ''}) that is not a hyphen: did you mean ${near}?`;
  }
  return undefined;
}

/**
 * Parse the arguments strictly. First a lenient pass with the parser's tokens finds what a strict pass would refuse,
 * to say it in the CLI's words; `jsonFlags` names the flags that ask for JSON output (for the error's form).
 */
export function parseCliArgs<T extends Options>(command: string, argv: readonly string[], options: T, allowPositionals = true, jsonFlags: (values: Record<string, unknown>) => boolean = (v) => v['json'] === true) {
  const pointer = ` Run ${command} --help for usage.`;
  const loose = parseArgs({ args: [...argv], options, allowPositionals: true, strict: false, tokens: true });
  const json = jsonFlags(loose.values);
  for (const token of loose.tokens) {
    if (token.kind !== 'option') continue;
    const problem = tokenProblem(token, options);
    if (problem) throw new UsageError(`${problem}${pointer}`, json);
  }
  const dash = otherDashProblem(loose.tokens, options);
  if (dash) throw new UsageError(`${dash}${pointer}`, json);
  if (!allowPositionals && loose.positionals.length) throw new UsageError(`unexpected argument "${loose.positionals[0] ?? ''}": ${command} takes flags only.${pointer}`, json);
  try {
    return parseArgs({ args: [...argv], options, allowPositionals, strict: true });
  } catch (e) {
    // What the lenient pass did not foresee: the parser's own sentence, with the pointer.
    throw new UsageError(`${(e as Error).message}${pointer}`, json);
  }
}

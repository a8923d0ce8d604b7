/**
 * Typed errors of the core. Every error a user can see is a DescribeError with a code the fronts (CLI,
 * extension) map to exit codes and actions, and a message that says what went wrong and what to do.
 * Messages never contain the API key: everything that may carry server text goes through `redact`.
 */

export type ErrorCode =
  /** Bad input refused before any network call (missing file, not an image, too many, too large…). */
  | 'bad-input'
  /** Settings incomplete or invalid (no endpoint, no deployment, bad URL…), found before any network call. */
  | 'config'
  /** No API key available. */
  | 'missing-key'
  /** No Microsoft Entra ID token could be had (not signed in, no credential that works). */
  | 'missing-credential'
  /** Refused to send the key over plain http to a host that is not loopback. */
  | 'insecure-endpoint'
  /** 401: the key is wrong or belongs to another resource. */
  | 'auth'
  /** 403: the key or identity may not use this resource (network rules, role missing). */
  | 'forbidden'
  /** 404 DeploymentNotFound. */
  | 'deployment-not-found'
  /** 404 Resource not found: wrong endpoint path or api-version. */
  | 'not-found'
  /** The api-version is missing or not accepted by the service. */
  | 'api-version'
  /** 400 content_filter: the prompt (text or image) was blocked. */
  | 'content-filter'
  /** 400 unsupported_parameter / unsupported_value that the client could not work around. */
  | 'unsupported-parameter'
  /** 400: the deployment takes no image input. */
  | 'no-image-support'
  /** 400: the service refused the image itself (size, format, unreadable). */
  | 'image-rejected'
  /** Any other 400. */
  | 'bad-request'
  /** 429. */
  | 'rate-limited'
  /** 5xx. */
  | 'server'
  /** The answer could not be understood (not JSON, HTML from a proxy, malformed stream). */
  | 'bad-response'
  /** Could not reach the service (DNS, refused, reset). */
  | 'network'
  /** The service's (or a proxy's) TLS certificate is not trusted: a private CA, a TLS-inspecting proxy. */
  | 'certificate'
  /** No answer in time. */
  | 'timeout'
  /** The user cancelled. */
  | 'cancelled';

/** What a front can offer the user to fix the cause. */
export type FixAction = 'set-key' | 'sign-in' | 'configure-endpoint' | 'choose-model' | 'open-settings' | 'show-log' | 'retry';

/**
 * The input an error (or a hint) is about, when the fix is to change it: each front names it in its own terms (the CLI
 * a flag or an environment variable, VS Code a setting). Core messages never name either.
 */
export type SettingName = 'provider' | 'model' | 'detail' | 'maxTokens' | 'temperature' | 'topP' | 'timeout' | 'proxy';

export interface DescribeErrorOptions {
  status?: number | undefined;
  /** The service's own error code (e.g. `DeploymentNotFound`, `unsupported_parameter`). */
  serviceCode?: string | undefined;
  /** The service's own message, already redacted. */
  serviceMessage?: string | undefined;
  /** The request parameter the service's error names (`param`), e.g. `max_tokens`. */
  serviceParam?: string | undefined;
  actions?: FixAction[] | undefined;
  retryAfterMs?: number | undefined;
  /** Text that had already arrived when a stream broke or was cancelled (kept, never thrown away). */
  partialText?: string | undefined;
  /** The proxy the failed request went through, when it may be the cause (its URL without user or password). */
  proxy?: string | undefined;
  /** The input to change to fix the cause (worded by each front). */
  setting?: SettingName | undefined;
  cause?: unknown;
}

export class DescribeError extends Error {
  override readonly name = 'DescribeError';
  readonly code: ErrorCode;
  readonly status: number | undefined;
  readonly serviceCode: string | undefined;
  readonly serviceMessage: string | undefined;
  readonly serviceParam: string | undefined;
  readonly actions: readonly FixAction[];
  readonly retryAfterMs: number | undefined;
  readonly partialText: string | undefined;
  readonly proxy: string | undefined;
  readonly setting: SettingName | undefined;

  constructor(code: ErrorCode, message: string, options: DescribeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.serviceCode = options.serviceCode;
    this.serviceMessage = options.serviceMessage;
    this.serviceParam = options.serviceParam;
    this.actions = options.actions ?? defaultActions(code);
    this.retryAfterMs = options.retryAfterMs;
    this.partialText = options.partialText;
    this.proxy = options.proxy;
    this.setting = options.setting;
  }

  /** True for errors found before anything was sent (CLI exit code 2). */
  get isInputError(): boolean {
    return isInputCode(this.code);
  }
}

export function isInputCode(code: ErrorCode): boolean {
  return code === 'bad-input' || code === 'config' || code === 'missing-key' || code === 'missing-credential' || code === 'insecure-endpoint';
}

function defaultActions(code: ErrorCode): FixAction[] {
  switch (code) {
    case 'missing-key':
    case 'auth':
      return ['set-key', 'configure-endpoint', 'show-log'];
    case 'missing-credential':
      return ['sign-in', 'show-log'];
    case 'certificate':
      return ['open-settings', 'show-log'];
    case 'config':
    case 'insecure-endpoint':
    case 'deployment-not-found':
    case 'not-found':
    case 'api-version':
    case 'forbidden':
    case 'no-image-support':
      return ['configure-endpoint', 'show-log'];
    case 'unsupported-parameter':
      return ['open-settings', 'show-log'];
    case 'rate-limited':
    case 'server':
    case 'network':
    case 'timeout':
    case 'bad-response':
      return ['retry', 'show-log'];
    case 'bad-input':
    case 'content-filter':
    case 'image-rejected':
    case 'bad-request':
      return ['show-log'];
    case 'cancelled':
      return [];
  }
}

export function isDescribeError(e: unknown): e is DescribeError {
  return e instanceof DescribeError;
}

/** The placeholder that replaces a secret wherever it would have appeared. */
export const REDACTED = '[REDACTED]';

/**
 * The forms a secret is removed in: as it is, URL-encoded and base64-encoded (a server or proxy that echoes a header
 * back may do either). Longest first, so that a secret that contains another is removed whole. Secrets shorter than
 * 4 characters are not removed (they would blank out ordinary words).
 */
export function secretForms(secrets: readonly (string | undefined)[]): string[] {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    for (const form of [s, encodeURIComponent(s), Buffer.from(s, 'utf8').toString('base64')]) forms.add(form);
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

/** Remove every secret (in each of its forms, see secretForms) from a text. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  return removeForms(text, secretForms(secrets));
}

/** The length of the longest end of `text` that is the beginning (not the whole) of one of the forms. */
function longestStartOfAForm(text: string, forms: readonly string[]): number {
  let longest = 0;
  for (const form of forms) {
    for (let k = Math.min(form.length - 1, text.length); k > longest; k--) {
      if (text.endsWith(form.slice(0, k))) {
        longest = k;
        break;
      }
    }
  }
  return longest;
}

function removeForms(text: string, forms: readonly string[]): string {
  let out = text;
  for (const form of forms) out = out.split(form).join(REDACTED);
  return out;
}

/**
 * Redaction for text that arrives in pieces (a streamed answer): a secret cut across two pieces is still removed.
 * Each piece goes out at once, except an end that could be the beginning of a secret (in any of its forms): that is
 * held back until the next piece shows whether the secret follows; `end` releases what is held. Whatever is printed
 * of a stream passes through one of these, then through the front's own rendering.
 */
export class StreamRedactor {
  private held = '';

  /** `secrets` is read at every piece: a token fetched during the stream counts from then on. */
  constructor(private readonly secrets: () => readonly (string | undefined)[]) {}

  push(piece: string): string {
    const text = this.held + piece;
    const forms = secretForms(this.secrets());
    let cut = text.length - longestStartOfAForm(text, forms);
    // A secret that crosses the cut is wholly in the text (one that may still grow lies after the cut): release it
    // whole, so that it is replaced.
    for (let moved = true; moved && cut > 0 && cut < text.length; ) {
      moved = false;
      for (const form of forms) {
        const at = text.indexOf(form, Math.max(0, cut - form.length + 1));
        if (at >= 0 && at < cut && at + form.length > cut) {
          cut = at + form.length;
          moved = true;
        }
      }
    }
    this.held = text.slice(cut);
    return removeForms(text.slice(0, cut), forms);
  }

  /** Everything still held back (redacted): call once, when the stream ends or breaks. */
  end(): string {
    const rest = this.held;
    this.held = '';
    return redact(rest, this.secrets());
  }
}

/** A document that its parser refused (e.g. MDX that does not compile). */
export class DocParseError extends Error {
  override readonly name: string = 'DocParseError';
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

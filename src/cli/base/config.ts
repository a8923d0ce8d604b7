/**
 * The CLI's inputs, in one place for `describe-image` and `describe-image alt-text`: endpoint, deployment and
 * api-version from flags or the environment, and how to authenticate — an API key (AZURE_OPENAI_API_KEY, never a
 * flag), a Microsoft Entra ID token given as it is (AZURE_OPENAI_AD_TOKEN, the variable OpenAI's own Azure clients
 * read), or Microsoft Entra ID through @azure/identity (environment service principal, workload identity, managed
 * identity, Azure CLI / Azure Developer CLI login). Messages speak of these inputs, never of the extension's storage.
 */
import { DefaultAzureCredential,type TokenCredential } from '@azure/identity';
import { apiKeyCredential,COGNITIVE_SERVICES_SCOPE,openAiCredential,staticEntraToken,type Credential } from '../../core/net';
import { DescribeError } from '../../core/base';
import { CliInputError } from './hints';
import { resolveSettings,type DescribeSettings,type RawSettings } from '../../core/base';

export type AuthChoice = 'key' | 'entra';

export interface CliEnv {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Tests inject the Entra credential here (they never reach a real identity endpoint). */
  readonly tokenCredential?: TokenCredential | undefined;
}

export interface EndpointFlags {
  readonly provider?: string | undefined;
  readonly endpoint?: string | undefined;
  readonly deployment?: string | undefined;
  readonly 'api-version'?: string | undefined;
  readonly 'base-url'?: string | undefined;
  readonly model?: string | undefined;
}

/** The flags that say where requests go and how to authenticate, as `parseArgs` options (shared by every command). */
/** The secrets a CLI run may be given (only ever through the environment): removed from everything it prints. */
export function secretsInEnv(env: CliEnv['env']): string[] {
  return [env['AZURE_OPENAI_API_KEY'], env['AZURE_OPENAI_AD_TOKEN'], env['OPENAI_API_KEY']].filter((s): s is string => !!s?.trim());
}

export const ENDPOINT_OPTIONS = {
  provider: { type: 'string' },
  endpoint: { type: 'string' },
  deployment: { type: 'string' },
  'api-version': { type: 'string' },
  'base-url': { type: 'string' },
  model: { type: 'string' },
  auth: { type: 'string' },
} as const;

/**
 * The provider the CLI can use: azure or openai. VS Code's language models exist only inside VS Code, and reading text
 * on this machine is its own command: both are refused here (exit 2) saying what the CLI does instead.
 */
export function cliProvider(flags: EndpointFlags, env: CliEnv['env']): string | undefined {
  const given = flags.provider ?? env['DESCRIBE_IMAGE_PROVIDER'];
  const where = flags.provider !== undefined ? '--provider' : 'DESCRIBE_IMAGE_PROVIDER';
  const value = given?.trim().toLowerCase();
  if (!value || value === 'azure' || value === 'openai') return value || undefined;
  if (value === 'vscode') {
    throw new CliInputError('bad-input', `${where} vscode: VS Code's language models can be used only inside VS Code. The CLI sends images to Azure OpenAI (--provider azure, the default) or an OpenAI-compatible server (--provider openai --base-url URL --model NAME); to read the text in images without a model, run describe-image extract-text <image...>.`);
  }
  if (value === 'offline') {
    throw new CliInputError('bad-input', `${where} offline: to read the text in images on this machine without a model, run describe-image extract-text <image...>. To describe images, use --provider azure (the default) or --provider openai.`);
  }
  throw new CliInputError('bad-input', `${where} must be azure or openai (got "${given ?? ''}"). To read text on this machine without a model: describe-image extract-text.`);
}

/** Settings from flags, then the environment. */
export function cliSettings(flags: EndpointFlags, env: CliEnv['env'], extra: Omit<RawSettings, 'endpoint' | 'deployment' | 'apiVersion' | 'provider' | 'baseUrl' | 'model'> = {}): DescribeSettings {
  return resolveSettings({
    ...extra,
    provider: cliProvider(flags, env),
    endpoint: flags.endpoint ?? env['AZURE_OPENAI_ENDPOINT'],
    deployment: flags.deployment ?? env['AZURE_OPENAI_DEPLOYMENT'],
    apiVersion: flags['api-version'] ?? env['OPENAI_API_VERSION'],
    baseUrl: flags['base-url'] ?? env['OPENAI_BASE_URL'],
    model: flags.model ?? env['OPENAI_MODEL'],
  });
}

export function parseAuthChoice(value: string | undefined): AuthChoice | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'key' || v === 'entra') return v;
  throw new DescribeError('bad-input', `--auth must be key or entra (got "${value}").`);
}

/** What the Entra chain tries, in order, in words. */
const ENTRA_CHAIN =
  'an environment service principal (AZURE_TENANT_ID, AZURE_CLIENT_ID and a secret or certificate), workload identity (CI), managed identity, and the Azure CLI / Azure Developer CLI login';

/** A credential over @azure/identity: tokens are cached until shortly before they expire, fetched anew on refresh. */
function identityCredential(tokenCredential: TokenCredential, source: string): Credential {
  let cached: { token: string; expiresOnTimestamp: number } | undefined;
  return {
    kind: 'entra',
    source,
    async getToken(request) {
      if (!request.refresh && cached && cached.expiresOnTimestamp - Date.now() > 2 * 60_000) return cached.token;
      let token;
      try {
        token = await tokenCredential.getToken(COGNITIVE_SERVICES_SCOPE, request.signal ? { abortSignal: request.signal } : {});
      } catch (e) {
        throw new DescribeError('missing-credential', noCredentialMessage(), { cause: e });
      }
      if (!token) throw new DescribeError('missing-credential', noCredentialMessage());
      cached = { token: token.token, expiresOnTimestamp: token.expiresOnTimestamp };
      return token.token;
    },
  };
}

/** What no working credential means, first in one sentence that says what to do. */
function noCredentialMessage(): string {
  return 'No credential for Azure OpenAI: set AZURE_OPENAI_API_KEY to use a key, or run `az login` to sign in with Microsoft Entra ID (then run again).';
}

/** What the Entra chain tried and why each failed (for --verbose): the first line of each reason. */
export function credentialDetails(e: DescribeError): string | undefined {
  if (e.code !== 'missing-credential') return undefined;
  const cause = e.cause;
  const errors = (cause as { errors?: unknown[] } | undefined)?.errors;
  const reasons = Array.isArray(errors)
    ? errors.map((x) => (x instanceof Error ? `${x.name}: ${x.message.split('\n')[0]}` : String(x))).slice(0, 8)
    : cause instanceof Error
      ? [cause.message.split('\n')[0] ?? '']
      : [];
  return `Tried ${ENTRA_CHAIN}.${reasons.map((r) => `\n  ${r}`).join('')}`;
}

export interface ResolvedCredential {
  readonly credential: Credential;
  /** Said on stderr when the CLI chose Entra ID by itself. */
  readonly notice: string | undefined;
  /** Known secrets, for redacting output (the key or the given token). */
  readonly secrets: string[];
}

/**
 * How to authenticate: `--auth key` needs AZURE_OPENAI_API_KEY (exit 2 before anything is sent); `--auth entra`
 * uses AZURE_OPENAI_AD_TOKEN when set, else the Entra chain; without --auth, the key when set, else Entra ID (and
 * says so).
 */
export function cliCredential(choice: AuthChoice | undefined, io: CliEnv, settings?: Pick<DescribeSettings, 'provider' | 'endpoint'>): ResolvedCredential {
  if (settings?.provider === 'openai') {
    // An OpenAI-compatible server: OPENAI_API_KEY as a bearer token; none needed for a server on this machine.
    const openAiKey = io.env['OPENAI_API_KEY']?.trim();
    if (choice === 'entra') throw new DescribeError('bad-input', '--auth entra is for Azure OpenAI; an OpenAI-compatible server takes OPENAI_API_KEY.');
    try {
      return { credential: openAiCredential(openAiKey, settings.endpoint), notice: undefined, secrets: openAiKey ? [openAiKey] : [] };
    } catch (e) {
      if (e instanceof DescribeError) throw new CliInputError('missing-key', `${e.message} Set OPENAI_API_KEY.`);
      throw e;
    }
  }
  const key = io.env['AZURE_OPENAI_API_KEY']?.trim();
  const adToken = io.env['AZURE_OPENAI_AD_TOKEN']?.trim();
  if (choice === 'key' || (choice === undefined && key)) {
    if (!key) throw new CliInputError('missing-key', '--auth key needs the environment variable AZURE_OPENAI_API_KEY (the key is never a flag).');
    return { credential: apiKeyCredential(key), notice: undefined, secrets: [key] };
  }
  if (adToken) return { credential: staticEntraToken(adToken, 'AZURE_OPENAI_AD_TOKEN'), notice: choice ? undefined : 'using the Microsoft Entra ID token in AZURE_OPENAI_AD_TOKEN.', secrets: [adToken] };
  const tokenCredential = io.tokenCredential ?? new DefaultAzureCredential();
  return {
    credential: identityCredential(tokenCredential, 'Microsoft Entra ID (@azure/identity)'),
    notice: choice ? undefined : 'no AZURE_OPENAI_API_KEY: signing in with Microsoft Entra ID.',
    secrets: key ? [key] : [],
  };
}

/**
 * The CLI's words for what the core reports in no front's terms: a hint after a core error (the flag or environment
 * variable to change), and the advice in a warning (`raise --max-tokens`). Never a VS Code setting or command.
 */
import { DescribeError, type DescribeSettings, type SettingName } from '../../core/base';

/** An error the CLI raised itself: its message already speaks of the CLI's inputs, so it gets no hint. */
export class CliInputError extends DescribeError {}

/** The flag (or variable) behind each input the core may name. */
const FLAGS: Record<SettingName, string> = {
  provider: '--provider (or DESCRIBE_IMAGE_PROVIDER)',
  model: '--model (or OPENAI_MODEL)',
  detail: '--detail',
  maxTokens: '--max-tokens',
  temperature: 'the temperature',
  topP: 'top_p',
  timeout: '--timeout',
  proxy: 'HTTPS_PROXY',
};

/** The advice to change an input, for the core's warnings: "raise --max-tokens". */
export function cliRaise(setting: SettingName): string {
  return setting === 'maxTokens' || setting === 'timeout' ? `raise ${FLAGS[setting]}` : `change ${FLAGS[setting]}`;
}

const PROXY_HINT = ' The proxy comes from HTTPS_PROXY (or HTTP_PROXY, ALL_PROXY); a host listed in NO_PROXY goes direct.';
const CERTIFICATE_HINT =
  ' Give Node the certificate authority: NODE_EXTRA_CA_CERTS=/path/to/ca.pem describe-image …, or (Node 22.15 and later) trust the OS store with NODE_OPTIONS=--use-system-ca.';

/** Hints that are the same for every provider: the input the error names, the proxy, the certificate store. */
function commonHint(e: DescribeError): string | undefined {
  const proxy = e.proxy ? PROXY_HINT : '';
  if (e.setting === 'timeout') return `${proxy} Raise --timeout (seconds; default 60) to wait longer.`;
  if (e.proxy) return proxy;
  if (e.code === 'certificate') return CERTIFICATE_HINT;
  if (e.isInputError && (e.setting === 'maxTokens' || e.setting === 'detail')) return ` Set it with ${FLAGS[e.setting]}.`;
  return undefined;
}

/** A hint in the CLI's own terms for an error the core raised (its message speaks of no front). */
export function cliHint(e: DescribeError, provider: DescribeSettings['provider'] = 'azure'): string {
  if (e instanceof CliInputError) return '';
  const common = commonHint(e);
  if (common !== undefined) return common;
  if (provider === 'openai') {
    if (e.code === 'auth' || e.code === 'missing-key') return ' Check OPENAI_API_KEY and --base-url (or OPENAI_BASE_URL).';
    if (e.code === 'deployment-not-found') return ' List the models the server has with --list-models.';
    return '';
  }
  switch (e.code) {
    case 'missing-key':
      return ' Set AZURE_OPENAI_API_KEY, or sign in with Microsoft Entra ID (`az login`, then --auth entra).';
    case 'auth':
    case 'forbidden':
      // The actions say whether the answer concerns a sign-in (Entra ID) or a key.
      return e.actions.includes('sign-in')
        ? ' With the CLI: run `az login` (or `az login --tenant <tenant>` for another directory) and use --auth entra, or give a token in AZURE_OPENAI_AD_TOKEN.'
        : e.code === 'auth'
          ? ' Check AZURE_OPENAI_API_KEY and --endpoint (or AZURE_OPENAI_ENDPOINT).'
          : '';
    case 'deployment-not-found':
      return ' Check --deployment (or AZURE_OPENAI_DEPLOYMENT).';
    case 'api-version':
      return ' Drop --api-version / OPENAI_API_VERSION to use the v1 API.';
    default:
      return '';
  }
}

/** The whole sentence for a core error, with the CLI's hint. */
export function cliMessage(e: DescribeError, provider: DescribeSettings['provider'] = 'azure'): string {
  return `${e.message}${cliHint(e, provider)}`;
}

/**
 * What a run that sends images needs (`alt-text fix`, `alt-text check --verify`): the settings from the flags and the
 * environment, checked before anything is sent (no endpoint, no key: an input error), the model client with its
 * proxy, and the alt-text cache file — opened once, closed once (the cache saved unless told not to).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatClient, type Credential, type Transport } from '../../core/net';
import { checkReadyToSend } from '../../core/describe';
import { defaultAltCacheFile, FileAltCache } from '../../core/docs';
import { DescribeError, isDescribeError, redact, type DescribeSettings } from '../../core/base';
import { createDispatcher, proxyFromEnv, undiciTransport } from '../../core/nodeHttp';
import { cliCredential, cliMessage, cliSettings, CliInputError, parseAuthChoice, secretsInEnv, type EndpointFlags } from '../base';
import type { CliIo } from '../base';

export interface RunBackendOptions {
  readonly root: string;
  /** --cache FILE (relative to the root), or the user's cache folder. */
  readonly cache: string | undefined;
  readonly values: EndpointFlags & { auth?: string | undefined };
  readonly io: CliIo;
  readonly say: (text: string) => void;
}

/**
 * The settings from the flags and environment. The core's "no endpoint" / "no deployment" / "no model" (and their
 * malformed forms) speak of no front: here they say which flags and variables to give.
 */
function settingsOf(o: RunBackendOptions): DescribeSettings {
  try {
    return cliSettings(o.values, o.io.env);
  } catch (e) {
    if (!isDescribeError(e) || e.code !== 'config' || e.setting !== undefined || e instanceof CliInputError) throw e;
    const openai = (o.values.provider ?? o.io.env['DESCRIBE_IMAGE_PROVIDER'])?.trim().toLowerCase() === 'openai';
    const give = openai ? ' Give --base-url and --model (or OPENAI_BASE_URL and OPENAI_MODEL).' : ' Give --endpoint and --deployment (or AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_DEPLOYMENT).';
    throw new CliInputError('config', `${e.message}${give}`, { cause: e });
  }
}

export class RunBackend {
  provider: DescribeSettings['provider'] = 'azure';
  private client: ChatClient | undefined;
  private cache: FileAltCache | undefined;
  private readonly dispatcher;
  /** More redaction (the batch client's tokens), applied after the client's. */
  private readonly redactors: ((text: string) => string)[] = [];

  constructor(private readonly o: RunBackendOptions) {
    this.dispatcher = createDispatcher(proxyFromEnv(o.io.env));
  }

  /** Settings, client and cache; a missing endpoint or key, or a --cache that is not a cache, is an input error. */
  async open(): Promise<{ settings: DescribeSettings; client: ChatClient; cache: FileAltCache; credential: Credential; transport: Transport }> {
    const { o } = this;
    const settings = settingsOf(o);
    this.provider = settings.provider;
    const auth = cliCredential(parseAuthChoice(o.values.auth), o.io, settings);
    checkReadyToSend(settings, auth.credential);
    if (auth.notice) o.say(auth.notice);
    const cache = await FileAltCache.load(o.cache !== undefined ? path.resolve(o.root, o.cache) : defaultAltCacheFile(o.io.env, process.platform, os.homedir()));
    if (cache.foreign && o.cache !== undefined) throw new DescribeError('bad-input', `--cache ${o.cache}: the file is not a describe-image alt-text cache; it was left as it is. Name a new file (e.g. .describe-image-cache.json).`);
    this.cache = cache;
    const transport = undiciTransport(this.dispatcher);
    this.client = new ChatClient({ credential: auth.credential, transport });
    return { settings, client: this.client, cache, credential: auth.credential, transport };
  }

  /** Also remove what this redacts from every message and text (another client's secrets). */
  alsoRedact(redactor: (text: string) => string): void {
    this.redactors.push(redactor);
  }

  private redacted(text: string): string {
    const hidden = this.client ? this.client.redact(text) : text;
    return this.redactors.reduce((t, r) => r(t), hidden);
  }

  /** An error as the CLI says it: with what to do, and without any secret the client sent. */
  message(e: DescribeError): string {
    return this.redacted(cliMessage(e, this.provider));
  }

  /** Text without the environment's secrets or any the client sent. */
  hide(text: string): string {
    return this.redacted(redact(text, secretsInEnv(this.o.io.env)));
  }

  /** Save the cache (unless `save` is false; a failed save is said, the run's result stands) and close the connections. */
  async close(save: boolean): Promise<void> {
    if (save) await this.cache?.save().catch((e: unknown) => this.o.say(`the cache could not be saved: ${(e as Error).message}`));
    await this.client?.close();
    await this.dispatcher.close();
  }
}

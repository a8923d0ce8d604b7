/**
 * The repository's image components: `.describe-image.json` names the JSX components that show images and which
 * attributes hold their source and alt text, e.g.
 * `{"imageComponents": {"Illustration": {"src": "src", "alt": "alt"}, "Diagram": {"src": null, "alt": "alt"}}}`.
 * The file is strict JSON, read whole and checked before anything else runs: a broken one is a `bad-input` error
 * naming the file and the reason. Names are checked with Babel's JSX parser (what a tag name or an attribute name can
 * be), never guessed.
 */
import { promises as fs } from 'node:fs';
import { DescribeError } from '../base';
import { isJsxAttributeName, isJsxTagName, type ImageComponent, type ImageComponents } from '../finders';

export const IMAGE_CONFIG_FILE = '.describe-image.json';
/** A real one is a few hundred bytes. */
export const MAX_IMAGE_CONFIG_BYTES = 64 * 1024;
const MAX_COMPONENTS = 500;
const TOP_KEYS = new Set(['$schema', 'imageComponents']);
const COMPONENT_KEYS = new Set(['src', 'alt', 'sources']);

const bad = (shown: string, reason: string) => new DescribeError('bad-input', `${shown}: ${reason}`);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function attributeOf(shown: string, where: string, value: unknown, allowNull: boolean): string | null {
  if (value === null && allowNull) return null;
  if (typeof value !== 'string' || !isJsxAttributeName(value)) {
    throw bad(shown, `${where} must be a JSX attribute name${allowNull ? ' or null' : ''}, not ${JSON.stringify(value)?.slice(0, 80)}`);
  }
  return value;
}

function componentOf(shown: string, name: string, spec: unknown): ImageComponent {
  const where = `imageComponents.${name}`;
  if (!isObject(spec)) throw bad(shown, `${where} must be an object like {"src": "src", "alt": "alt"}`);
  for (const key of Object.keys(spec)) if (!COMPONENT_KEYS.has(key)) throw bad(shown, `${where} has an unknown key "${key}" (known: src, alt, sources)`);
  const own = (key: string) => (Object.prototype.hasOwnProperty.call(spec, key) ? spec[key] : undefined);
  const alt = attributeOf(shown, `${where}.alt`, own('alt') === undefined ? 'alt' : own('alt'), false) as string;
  if (own('sources') !== undefined) {
    if (own('src') !== undefined && own('src') !== null) throw bad(shown, `${where} has both "src" and "sources": give one`);
    return { src: null, alt, sources: attributeOf(shown, `${where}.sources`, own('sources'), false) as string };
  }
  return { src: attributeOf(shown, `${where}.src`, own('src') === undefined ? 'src' : own('src'), true), alt };
}

/** The image components of a configuration's text (checked whole); `shown` names the file in errors. */
export function parseImageConfig(bytes: Uint8Array, shown: string): ImageComponents {
  if (bytes.length > MAX_IMAGE_CONFIG_BYTES) throw bad(shown, `it is ${bytes.length} bytes, over ${MAX_IMAGE_CONFIG_BYTES}`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw bad(shown, 'it is not UTF-8 text');
  }
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw bad(shown, `it is not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(value)) throw bad(shown, 'it must be a JSON object like {"imageComponents": {…}}');
  for (const key of Object.keys(value)) if (!TOP_KEYS.has(key)) throw bad(shown, `unknown key "${key}" (known: imageComponents)`);
  const list = Object.prototype.hasOwnProperty.call(value, 'imageComponents') ? value['imageComponents'] : {};
  if (!isObject(list)) throw bad(shown, '"imageComponents" must be an object of components by name');
  const names = Object.keys(list);
  if (names.length > MAX_COMPONENTS) throw bad(shown, `it names ${names.length} components, over ${MAX_COMPONENTS}`);
  const out = new Map<string, ImageComponent>();
  for (const name of names) {
    if (!isJsxTagName(name)) throw bad(shown, `"${name.slice(0, 80)}" is not a JSX component name`);
    out.set(name, componentOf(shown, name, list[name]));
  }
  return out;
}

/** Read `.describe-image.json` at `file`: its components, undefined when there is none, a `bad-input` error when broken. */
export async function readImageConfig(file: string, shown: string): Promise<ImageComponents | undefined> {
  let handle;
  try {
    handle = await fs.open(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw bad(shown, `it can't be read (${code ?? (e as Error).message})`);
  }
  try {
    const { size } = await handle.stat();
    if (!(await handle.stat()).isFile()) throw bad(shown, 'it is not a file');
    if (size > MAX_IMAGE_CONFIG_BYTES) throw bad(shown, `it is ${size} bytes, over ${MAX_IMAGE_CONFIG_BYTES}`);
    const bytes = await handle.readFile().catch((e: NodeJS.ErrnoException) => {
      throw bad(shown, `it can't be read (${e.code ?? e.message})`);
    });
    return parseImageConfig(bytes, shown);
  } finally {
    await handle.close();
  }
}

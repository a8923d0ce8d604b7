/**
 * A small docs tree with exactly one wrong alt text, and a model that judges alt text the way a careful reviewer
 * would, from what it is sent (the image's size tells which picture it is, the prompt holds the alt text): used by the
 * --verify tests of the core, the CLI, the MCP server and the extension.
 *
 * - docs/guide/install.md and docs/en/install.md (the same page twice, as a copied translation would be): the Settings
 *   screenshot with alt text that fits (one request for both).
 * - docs/guide/notify.md: the same screenshot under another name with alt text of a toast notification (wrong).
 * - docs/guide/tour.html: a photo with fitting alt text, and an image without alt text (alt-missing; not verified).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { image } from './paths';
import { textOf } from './azureServer';

/** What the judge reads of a request, from the Azure-like or the OpenAI-like server. */
export interface AskedRequest {
  readonly body: Record<string, unknown> | undefined;
  readonly images: readonly { readonly width: number | undefined }[];
}

export const WRONG_ALT = 'A toast notification saying the extension was installed';
export const SUGGESTED_ALT = 'The Settings editor with the endpoint and deployment fields of Describe Image';

const INSTALL = `# Install Describe Image

Open the Settings editor and fill in your endpoint.

![The Settings editor with the endpoint and deployment fields](../img/settings.png)
`;

/** Write the tree under `dir` (creating docs/). */
export async function writeVerifyTree(dir: string): Promise<void> {
  for (const d of ['docs/img', 'docs/guide', 'docs/en']) await fs.mkdir(path.join(dir, d), { recursive: true });
  await fs.copyFile(image('ui.png'), path.join(dir, 'docs/img/settings.png'));
  await fs.copyFile(image('ui.png'), path.join(dir, 'docs/img/viewlet.png'));
  await fs.copyFile(image('photo.jpg'), path.join(dir, 'docs/img/sunrise.jpg'));
  await fs.writeFile(path.join(dir, 'docs/guide/install.md'), INSTALL);
  await fs.writeFile(path.join(dir, 'docs/en/install.md'), INSTALL);
  await fs.writeFile(path.join(dir, 'docs/guide/notify.md'), `# After the install\n\nVS Code confirms that the extension is ready.\n\n![${WRONG_ALT}](../img/viewlet.png)\n`);
  await fs.writeFile(
    path.join(dir, 'docs/guide/tour.html'),
    '<!doctype html>\n<html lang="en">\n<body>\n<h1>A tour of the office</h1>\n<p>The team starts early.</p>\n<img src="../img/sunrise.jpg" alt="A gradient photo of the sunrise behind the office">\n<img src="../img/sunrise.jpg">\n</body>\n</html>\n',
  );
}

/** The alt text the prompt asks about (the line after "with this alt text:", JSON-quoted). */
export function askedAlt(req: AskedRequest): string | undefined {
  const line = /with this alt text:\n(".*")\n/.exec(req.body ? textOf(req.body) : '')?.[1];
  return line ? (JSON.parse(line) as string) : undefined;
}

/** The reviewer: the 160×100 screenshot is the Settings editor, the 120×80 picture a gradient photo. */
export function verifyModel(req: AskedRequest): string {
  const alt = askedAlt(req) ?? '';
  const settings = req.images[0]?.width === 160;
  const fits = settings ? /settings/i.test(alt) : /gradient|photo/i.test(alt);
  if (fits) return 'VERDICT: match\nSUGGESTION:';
  return `VERDICT: mismatch\nSUGGESTION: ${settings ? SUGGESTED_ALT : 'A gradient photo'}`;
}

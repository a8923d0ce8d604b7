/**
 * The documentation languages whose images Describe Image finds, and how a file or a VS Code language id maps to
 * them. The one place that knows this: the CLI, the extension and the tests all ask here.
 */

export type DocLanguage = 'markdown' | 'mdx' | 'html' | 'jsx' | 'tsx';

/** File extension (lower case, no dot) → language. */
export const DOC_EXTENSIONS: Readonly<Record<string, DocLanguage>> = {
  md: 'markdown',
  markdown: 'markdown',
  mdown: 'markdown',
  mkd: 'markdown',
  mdx: 'mdx',
  html: 'html',
  htm: 'html',
  jsx: 'jsx',
  tsx: 'tsx',
};

/** VS Code language id → language. */
export const VSCODE_LANGUAGE_IDS: Readonly<Record<string, DocLanguage>> = {
  markdown: 'markdown',
  mdx: 'mdx',
  html: 'html',
  javascriptreact: 'jsx',
  typescriptreact: 'tsx',
};

/** The default set of files to scan, as a glob. */
export const DEFAULT_DOC_GLOB = '**/*.{md,mdx,html,htm,jsx,tsx}';

export function docLanguageOfPath(file: string): DocLanguage | undefined {
  const base = file.replace(/\\/g, '/').split('/').pop() ?? '';
  const dot = base.lastIndexOf('.');
  if (dot <= 0 && !base.startsWith('.')) return undefined;
  return DOC_EXTENSIONS[base.slice(dot + 1).toLowerCase()];
}

/** The language of a document: by its VS Code language id, else by its file name. */
export function docLanguageOf(languageId: string | undefined, file: string): DocLanguage | undefined {
  return (languageId ? VSCODE_LANGUAGE_IDS[languageId] : undefined) ?? docLanguageOfPath(file);
}

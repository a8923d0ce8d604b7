/**
 * The tools agents can call — as VS Code language-model tools and as MCP tools — defined once: names, descriptions,
 * input schemas (zod, from which the JSON Schemas in package.json and the MCP tool list come; a test keeps
 * package.json in step), validation with messages an agent can act on, and where a tool may read (the workspace
 * folders, or the MCP client's roots, or the current folder). Running them is the fronts' business: each has its own
 * way to reach a model (VS Code's network stack and language models; the CLI's environment).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as z from 'zod';
import { DescribeError, MAX_IMAGES, RULE_IDS, TOOL_VSCODE_NAMES } from '../base';
import { isInside } from '../docs';

/** At most this many files, folders or globs in one alt-text call. */
export const MAX_ALT_PATHS = 50;

const imagePaths = z
  .array(z.string().min(1).max(4096))
  .min(1)
  .max(MAX_IMAGES)
  .describe(`Image files (PNG, JPEG, WebP, GIF, BMP, SVG, TIFF, AVIF), as paths relative to the workspace folder or absolute paths inside it; 1 to ${MAX_IMAGES}, all in one request.`);

export const describeImageInput = z
  .object({
    paths: imagePaths,
    prompt: z.string().max(4000).optional().describe('What to ask about the images (default: describe them in detail). For example: "What does the error dialog say?"'),
    detail: z.enum(['low', 'high', 'auto']).optional().describe('How closely the model looks: low (fast, cheap), high, or auto (default: the user\'s setting).'),
  })
  .strict();

export const extractTextInput = z
  .object({
    paths: imagePaths.describe(`Image files whose text to read, relative to the workspace folder or absolute inside it; 1 to ${MAX_IMAGES}.`),
  })
  .strict();

const altPaths = z
  .array(z.string().min(1).max(4096))
  .min(1)
  .max(MAX_ALT_PATHS)
  .describe('Markdown, MDX, HTML or JSX/TSX files, folders (searched for those files) or globs such as "docs/**/*.md", relative to the workspace folder.');

export const altTextCheckInput = z
  .object({
    paths: altPaths,
    disable: z.array(z.enum(RULE_IDS as [string, ...string[]])).optional().describe(`Rules to leave out: ${RULE_IDS.join(', ')}.`),
    maxLength: z.number().int().min(20).max(1000).optional().describe('Length alt text is written at, in characters (default 125); alt-too-long reports alt text over twice that width.'),
  })
  .strict();

/** The MCP server's altTextCheck: it can also verify alt text with the model (VS Code has its own command for that). */
export const altTextCheckMcpInput = altTextCheckInput
  .extend({
    verify: z.boolean().optional().describe("Also ask the user's vision model whether each existing alt text describes its image in context (rule alt-mismatch, with a suggested replacement). Sends one request per distinct image, alt text and context, answered from the cache when asked before. Default false: nothing is sent."),
    maxRequests: z.number().int().min(0).max(10000).optional().describe('With verify: send nothing, and fail, when more than this many requests would be sent.'),
  })
  .strict();

export const altTextFixInput = z
  .object({
    paths: altPaths,
    dryRun: z.boolean().optional().describe('Only return the unified diff of what would change; write nothing (default true).'),
    rewriteUninformative: z.boolean().optional().describe('Also replace alt text that says nothing (a file name, "image", "screenshot").'),
    fixPathCase: z.boolean().optional().describe("Also rewrite links whose letter case differs from the file's real name."),
    maxLength: z.number().int().min(20).max(1000).optional().describe('Longest alt text written, in characters (default 125).'),
  })
  .strict();

export type DescribeImageInput = z.infer<typeof describeImageInput>;
export type ExtractTextInput = z.infer<typeof extractTextInput>;
export type AltTextCheckInput = z.infer<typeof altTextCheckInput>;
export type AltTextCheckMcpInput = z.infer<typeof altTextCheckMcpInput>;
export type AltTextFixInput = z.infer<typeof altTextFixInput>;

export interface ToolDefinition<S extends z.ZodType = z.ZodType> {
  /** The MCP tool's name, and the name people type after `#` in VS Code's chat (`toolReferenceName`). */
  readonly name: string;
  /** The VS Code tool's registered name: unique across extensions, so prefixed. */
  readonly vscodeName: string;
  /** Shown to people (VS Code's tool list, confirmations). */
  readonly displayName: string;
  /** For the model: what the tool does, when to use it, what it returns. */
  readonly description: string;
  readonly input: S;
  /** Sends images to a model service (asks for confirmation in VS Code). */
  readonly sendsImages: boolean;
  /** Changes files. */
  readonly writes: boolean;
}

export const DESCRIBE_IMAGE_TOOL: ToolDefinition<typeof describeImageInput> = {
  name: 'describeImage',
  vscodeName: TOOL_VSCODE_NAMES.describeImage,
  displayName: 'Describe Image',
  description:
    "Describe one or more images from the user's workspace (screenshots, diagrams, photos, screen recordings) with the vision model the user chose for Describe Image, prepared to the size the model uses. Use it to see what an image in the repository shows, or to ask a question about it (pass a prompt). Returns the model's description as Markdown.",
  input: describeImageInput,
  sendsImages: true,
  writes: false,
};

export const EXTRACT_TEXT_TOOL: ToolDefinition<typeof extractTextInput> = {
  name: 'extractText',
  vscodeName: TOOL_VSCODE_NAMES.extractText,
  displayName: 'Extract Text from Image',
  description:
    'Read the text in images from the workspace (error dialogs, logs, settings pages, terminal screenshots) with OCR on this machine: nothing is sent anywhere, no model is used. English only. Returns the text of each image with its mean confidence.',
  input: extractTextInput,
  sendsImages: false,
  writes: false,
};

export const ALT_TEXT_CHECK_TOOL: ToolDefinition<typeof altTextCheckInput> = {
  name: 'altTextCheck',
  vscodeName: TOOL_VSCODE_NAMES.altTextCheck,
  displayName: 'Check Alt Text',
  description:
    'Find images in Markdown, MDX, HTML and JSX/TSX docs whose alt text is missing, says nothing, is too long, or whose link is broken or differs in letter case. Read-only, no model is used. Returns the findings as JSON (file, line, column, rule, message).',
  input: altTextCheckInput,
  sendsImages: false,
  writes: false,
};

export const ALT_TEXT_CHECK_MCP_TOOL: ToolDefinition<typeof altTextCheckMcpInput> = {
  ...ALT_TEXT_CHECK_TOOL,
  description:
    "Find images in Markdown, MDX, HTML and JSX/TSX docs whose alt text is missing, says nothing, is too long, or whose link is broken or differs in letter case. Read-only. No model is used unless verify is true: then the user's vision model also judges whether each existing alt text describes its image (alt-mismatch, with a suggested replacement). Returns the findings as JSON (file, line, column, rule, message, and suggestion for alt-mismatch).",
  input: altTextCheckMcpInput,
  sendsImages: true,
};

export const ALT_TEXT_FIX_TOOL: ToolDefinition<typeof altTextFixInput> = {
  name: 'altTextFix',
  vscodeName: TOOL_VSCODE_NAMES.altTextFix,
  displayName: 'Fill Missing Alt Text',
  description:
    "Generate the missing alt text in Markdown, MDX, HTML and JSX/TSX docs with the user's vision model and write it into the files, escaped for each file's syntax, each file read back before it is written and left alone if it changed meanwhile. dryRun (the default) returns the unified diff and writes nothing.",
  input: altTextFixInput,
  sendsImages: true,
  writes: true,
};

/** The tools of the VS Code extension (language-model tools). */
export const VSCODE_TOOLS = [DESCRIBE_IMAGE_TOOL, EXTRACT_TEXT_TOOL, ALT_TEXT_CHECK_TOOL] as const;
/** The tools of the MCP server. */
export const MCP_TOOLS = [DESCRIBE_IMAGE_TOOL, EXTRACT_TEXT_TOOL, ALT_TEXT_CHECK_MCP_TOOL, ALT_TEXT_FIX_TOOL] as const;

/** The JSON Schema of a tool's input, as package.json and MCP clients see it. */
export function inputJsonSchema(tool: ToolDefinition): Record<string, unknown> {
  const schema = z.toJSONSchema(tool.input) as Record<string, unknown>;
  delete schema['$schema'];
  return schema;
}

/** Validate a tool's input; a bad one is a `bad-input` error that says what to change, before anything is read. */
export function parseToolInput<S extends z.ZodType>(tool: ToolDefinition<S>, input: unknown): z.infer<S> {
  const result = tool.input.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`);
  throw new DescribeError('bad-input', `${tool.name}: the input is not valid (${problems.join('; ')}).`);
}

/**
 * Where a tool may read: one or more root folders (the workspace folders; the MCP client's roots; else the current
 * folder). A path is taken relative to the first root, or absolute; either way it must be inside a root after
 * symbolic links are followed.
 */
export class PathScope {
  readonly roots: readonly string[];

  constructor(roots: readonly string[]) {
    if (roots.length === 0) throw new DescribeError('bad-input', 'No folder is open: tools read only inside a workspace folder.');
    this.roots = roots.map((r) => path.resolve(r));
  }

  /** The root a path is given relative to. */
  get primary(): string {
    return this.roots[0] as string;
  }

  /** The root that holds `abs`, if any. */
  rootOf(abs: string): string | undefined {
    return this.roots.find((r) => isInside(r, abs));
  }

  /** Resolve a path the agent gave to an existing file inside a root, or refuse it with a reason. */
  async file(given: string): Promise<string> {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(given)) throw new DescribeError('bad-input', `${given}: give a path to a file in the workspace, not a URL.`);
    const abs = path.resolve(this.primary, given);
    const root = this.rootOf(abs);
    if (!root) throw new DescribeError('bad-input', `${given} is outside the workspace (${this.roots.join(', ')}); tools read only inside it.`);
    let real: string;
    try {
      real = await fs.realpath(abs);
    } catch {
      throw new DescribeError('bad-input', `${given}: no such file in the workspace.`);
    }
    if (!this.rootOf(real)) throw new DescribeError('bad-input', `${given} is a link that leads outside the workspace; it is not read.`);
    const stat = await fs.stat(real);
    if (!stat.isFile()) throw new DescribeError('bad-input', `${given} is not a file.`);
    return abs;
  }

  /** Resolve every path (all are checked before any is read). */
  files(given: readonly string[]): Promise<string[]> {
    return Promise.all(given.map((g) => this.file(g)));
  }

  /** A path as the agent should see it: relative to its root when inside one. */
  display(abs: string): string {
    const root = this.rootOf(abs);
    return root ? path.relative(root, abs).split(path.sep).join('/') || '.' : abs;
  }
}

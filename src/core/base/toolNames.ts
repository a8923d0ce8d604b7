/**
 * The agent tools' names, light enough for activation: the MCP name, and the name a VS Code language-model tool is
 * registered under (prefixed: unique across extensions). Their schemas and descriptions are in core/agent.
 */
export const TOOL_VSCODE_NAMES = {
  describeImage: 'describeImage_describe',
  extractText: 'describeImage_extractText',
  altTextCheck: 'describeImage_altTextCheck',
  altTextFix: 'describeImage_altTextFix',
} as const;

export type ToolName = keyof typeof TOOL_VSCODE_NAMES;

/** The tools VS Code gets (altTextFix is the MCP server's only: in VS Code the quick fixes and Fill do that work). */
export const VSCODE_TOOL_NAMES: readonly ToolName[] = ['describeImage', 'extractText', 'altTextCheck'];

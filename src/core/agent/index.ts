/**
 * Tools for agents (VS Code's language-model tools and the MCP server): names, descriptions, input schemas (zod,
 * with JSON Schema generated from them), validation messages and the path scope a tool may read.
 * Imports: base, images, docs, finders.
 */
export * from './tools';

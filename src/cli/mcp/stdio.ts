/** What serving on stdio needs beside the server: the tools as tools/list shows them, and stdout kept for the protocol. */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { inputJsonSchema, type MCP_TOOLS } from '../../core/agent';

/** A tool as tools/list shows it: the JSON Schema generated from the same zod schema that validates the input. */
export function toolListing(tool: (typeof MCP_TOOLS)[number]): Tool {
  return {
    name: tool.name,
    title: tool.displayName,
    description: tool.description,
    inputSchema: inputJsonSchema(tool) as Tool['inputSchema'],
    annotations: { title: tool.displayName, readOnlyHint: !tool.writes, openWorldHint: tool.sendsImages },
  };
}

/**
 * console.log/info/debug to stderr while serving (stdout carries the protocol: a bundled library that prints would
 * break it); returns the undo.
 */
export function routeConsoleToStderr(): () => void {
  /* eslint-disable no-console -- the one place that touches console.log: to keep it off stdout */
  const saved = { log: console.log, info: console.info, debug: console.debug };
  console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);
  /* eslint-enable no-console */
  return () => Object.assign(console, saved);
}

/** describe-image mcp: the agent tools as an MCP server on stdio, bounded by roots. Imports: core, cli/base (and core/nodeHttp). */
export * from './mcp';
export { MCP_USAGE } from './usage';

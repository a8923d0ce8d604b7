/** How much an alt-text run takes on: the same in every front (the CLI, the MCP server, VS Code and its tools). */

/** Most documentation files one run reads (MCP and VS Code tools, Fill Missing Alt Text); past it, the run says it stopped. */
export const DOC_FILE_LIMIT = 5000;

/** Alt-text requests at once, at most, when the user sets nothing else (halved automatically on 429). */
export const DEFAULT_ALT_CONCURRENCY = 8;

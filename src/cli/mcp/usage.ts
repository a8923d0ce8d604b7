/** `describe-image mcp --help`: what the server offers, where its tools read, and its options. */
export const MCP_USAGE = `Usage: describe-image mcp [options]

Serve the describe-image tools to an agent (Claude, VS Code, Cursor, any MCP client) over the Model Context Protocol
on stdin/stdout. The client starts this command; it runs until stdin ends.

Tools:
  describeImage   describe images with your model (Azure OpenAI or an OpenAI-compatible server)
  extractText     read the text in images on this machine (no model, no key, nothing sent)
  altTextCheck    find images without good alt text in Markdown, MDX, HTML and JSX/TSX docs (no model)
  altTextFix      fill in the missing alt text with your model (dryRun, the default: only the diff)

Tools read only inside the client's roots when it lists them, else inside the --root folders, else inside the
current folder — never when that is / or your home folder (or above it): give --root there.

Options (read when a tool needs them; as for describing, or the same environment variables):
  --root DIR      a folder the tools may read in (repeatable; paths start in the first one) when the client lists
                  no roots
  --provider P, --endpoint URL, --deployment NAME, --api-version V, --auth key|entra, --base-url URL, --model NAME
  -h, --help      show this help

Keys only from the environment: AZURE_OPENAI_API_KEY, AZURE_OPENAI_AD_TOKEN (or Microsoft Entra ID), OPENAI_API_KEY.
Example client configuration: { "command": "describe-image", "args": ["mcp"], "env": { "AZURE_OPENAI_ENDPOINT": "…" } }`;

/**
 * Language-model tools for agents: registered at activation by name; their schemas, validation and work (tools.ts,
 * with the agent definitions, describing, text reading and the docs checks) load the first time an agent calls one.
 */
import * as vscode from 'vscode';
import { TOOL_VSCODE_NAMES, VSCODE_TOOL_NAMES } from '../../core/base';
import type { DescribeDeps } from '../base';
import type { AgentTools } from './tools';

export type { AgentTools } from './tools';

/** Each tool as VS Code calls it; the real one is made on the first call. */
export function createTools(deps: DescribeDeps): AgentTools {
  let real: Promise<AgentTools> | undefined;
  const load = () => (real ??= import('./tools').then((m) => m.createTools(deps)));
  const tool = (name: string): vscode.LanguageModelTool<unknown> => ({
    prepareInvocation: async (options, token) => (await load()).get(name)?.prepareInvocation?.(options, token),
    invoke: async (options, token) => {
      const t = (await load()).get(name);
      if (!t) throw new Error(`No tool ${name}.`);
      return t.invoke(options, token);
    },
  });
  return new Map(VSCODE_TOOL_NAMES.map((n) => [TOOL_VSCODE_NAMES[n], tool(TOOL_VSCODE_NAMES[n])]));
}

export function registerTools(tools: AgentTools): vscode.Disposable[] {
  return [...tools].map(([name, tool]) => vscode.lm.registerTool(name, tool));
}

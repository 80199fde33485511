// Agent names arrive from the model (tool arguments, Agent subagent_type): they are looked up in the
// catalog, never joined into a path, and anything that could name a path is refused up front.

export const BUILT_IN_AGENTS = new Set(['general-purpose', 'Explore', 'Plan', 'claude', 'statusline-setup']);

/** Why this cannot be an agent name we serve, or undefined when it is acceptable. */
export function invalidAgentName(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.trim() === '') return 'the agent name is empty';
  if (name.length > 256) return 'the agent name is longer than 256 characters';
  if (/[\/\\\0]/.test(name) || name.includes('..')) return 'an agent name cannot contain "/", "\\", ".." or NUL';
  if (/[\x00-\x1f\x7f]/.test(name)) return 'an agent name cannot contain control characters';
  return undefined;
}

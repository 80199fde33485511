// The hook payload fields hooks.json forwards to the resident server, one argument each: a file of
// its own so that tools/list and the hooks manifest need nothing else.
/** The payload fields hooks.json forwards, and how each one comes back from its string. */
export const FORWARDED_FIELDS = {
  hook_event_name: 'string',
  session_id: 'string',
  transcript_path: 'string',
  cwd: 'string',
  prompt_id: 'string',
  permission_mode: 'string',
  agent_id: 'string',
  agent_type: 'string',
  tool_name: 'string',
  tool_use_id: 'string',
  tool_input: 'json',
  tool_response: 'json',
  error: 'string',
  is_interrupt: 'boolean',
  duration_ms: 'number',
  prompt: 'string',
  last_assistant_message: 'string',
  stop_hook_active: 'boolean',
} as const;

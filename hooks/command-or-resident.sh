# The command hook, unless the resident server is answering this event through its mcp_tool hook.
# The server keeps <warden home>/resident/<Claude Code pid> holding its pid while connected (see
# src/server/heartbeat.ts); only when that names a live process is Node skipped. A crashed, slow
# to start or absent server leaves the command hook in charge; an event both paths deliver is
# recorded once (natural event ids). Usage: sh command-or-resident.sh <plugin root> [inbox]
#
# With `inbox` (events whose answer is always empty: UserPromptSubmit, PostToolUse,
# PostToolUseFailure, Stop), no Node starts either: the payload goes to <warden home>/inbox/ (see
# hooks/session-event.sh), which the next hook records first, the server's included (it delivers
# the same event as well whenever it was connected: the natural id keeps one). A session's first
# prompt comes before the server has announced itself, so this saves a Node start per session.
#
# With `async` (PreToolUse of every tool but Agent, which Claude Code runs without waiting): the
# Node hook records the call and, if it would have been denied, says so on stderr with exit 2
# (asyncRewake tells the model). A call cannot be stopped this way; a dispatch can (its fallback
# is not async), and a plain tool call waits for no process while the server is up (issue 20).
home="${AGENT_WARDEN_HOME:-$HOME/.claude/agent-warden}"

# A killed server stays a zombie until Claude Code reaps it, and `kill -0` still succeeds on a
# zombie: where /proc exists, its state letter (after the last ") ") must not be Z or X.
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  if [ -r "/proc/$1/stat" ]; then
    read -r stat < "/proc/$1/stat" || return 1
    case "${stat##*) }" in Z*|X*) return 1 ;; esac
  fi
  return 0
}

# The braces matter: a redirection that fails on a bare builtin is reported before its own
# 2>/dev/null applies, so a missing file would print "cannot open" on every tool call.
if [ -n "$CLAUDE_PID" ] && { read -r pid < "$home/resident/$CLAUDE_PID"; } 2>/dev/null && alive "$pid"; then
  exit 0
fi
[ -r "$1/hooks/project-home.sh" ] && . "$1/hooks/project-home.sh" # never a fatal `.`: dash exits 2, which blocks a call

if [ "$2" = inbox ] && [ -n "$CLAUDE_PROJECT_DIR" ] && ! home_set_by_project; then
  case "$CLAUDE_PROJECT_DIR" in
    *'
'*) ;;
    *)
      payload="$(cat)"
      dir="$home/inbox"
      # noclobber: a waiting file of the same name is never overwritten. A complete file ends with a
      # newline (a reader leaves one without it alone while it is being written).
      set -C
      if [ ! -L "$dir" ] && { [ -d "$dir" ] || mkdir -p -m 700 "$dir"; } 2>/dev/null &&
        { umask 077 && printf '%s\n%s\n' "$CLAUDE_PROJECT_DIR" "$payload" > "$dir/event-${CLAUDE_PID:-0}-$$.json"; } 2>/dev/null; then
        exit 0
      fi
      # The inbox cannot take it (read-only home, full disk): the Node hook records or spools it.
      printf '%s\n' "$payload" | env -u NODE_EXTRA_CA_CERTS node "$1/dist/hook.cjs"
      exit 0
      ;;
  esac
fi
[ "$2" = async ] && exec env -u NODE_EXTRA_CA_CERTS node "$1/dist/hook.cjs" --async
exec env -u NODE_EXTRA_CA_CERTS node "$1/dist/hook.cjs"

# SessionStart and SessionEnd without a Node start on the session's critical path (issue 20).
# Usage: sh session-event.sh <plugin root> start|end, the hook payload on stdin.
#
# The payload goes to <warden home>/inbox/ (first line: the project dir, then the payload as
# received). Every later hook, the resident server's included, records what waits there before
# its own event, with the file's time as the time received; so do reports (`agent-warden sessions` and the rest). An end
# also starts a detached Node that records it at once and starts the session-end work (exact
# prompt counts, team sync, telemetry export). A session killed at any point leaves at most a
# file that the next hook or report takes in: nothing is lost (test/e2e/session-kill.test.ts).
#
# SessionStart runs the Node hook as before when it may have something to tell the model (the
# index of extended agents, ignored settings): when the project has `.claude/agents-extended`, or
# there is a config file or an AGENT_WARDEN_* setting. Its answer must be in the first request.
home="${AGENT_WARDEN_HOME:-$HOME/.claude/agent-warden}"
root="$1"
kind="$2"

node_hook() {
  exec env -u NODE_EXTRA_CA_CERTS node "$root/dist/hook.cjs"
}

# An AGENT_WARDEN_* variable that is a setting (see NOT_SETTINGS in src/runtime/config/env.ts).
setting_in_env() {
  case "$(export -p)" in *AGENT_WARDEN_*) ;; *) return 1 ;; esac
  export -p | {
    while IFS= read -r line; do
      name="${line#export }"
      name="${name#declare -x }"
      name="${name%%=*}"
      case "$name" in
        AGENT_WARDEN_HOME | AGENT_WARDEN_NATIVE | AGENT_WARDEN_SQLITE_DRIVER | AGENT_WARDEN_TEST_* | AGENT_WARDEN_CI_* | AGENT_WARDEN_CLAUDE_*) ;;
        AGENT_WARDEN_?*) exit 0 ;;
      esac
    done
    exit 1
  }
}

[ -r "$root/hooks/project-home.sh" ] && . "$root/hooks/project-home.sh" # never a fatal `.`: dash would exit 2

project="$CLAUDE_PROJECT_DIR"
case "$project" in
  '' | *'
'*) node_hook ;;
esac
home_set_by_project && node_hook

if [ "$kind" = start ]; then
  if [ -e "$project/.claude/agents-extended" ] || [ -e "$home/config.json" ] || [ -e "$project/.claude/agent-warden.json" ] || setting_in_env; then
    node_hook
  fi
  # The status line launcher's pointer to this plugin copy (src/runtime/plugin-root.ts), once installed.
  if [ -n "$CLAUDE_PLUGIN_ROOT" ] && [ -d "$home/statusline" ]; then
    { read -r known < "$home/statusline/plugin-root"; } 2>/dev/null
    if [ "$known" != "$CLAUDE_PLUGIN_ROOT" ]; then
      (umask 077 && printf '%s' "$CLAUDE_PLUGIN_ROOT" > "$home/statusline/.plugin-root.$$" && mv -f "$home/statusline/.plugin-root.$$" "$home/statusline/plugin-root") 2>/dev/null
    fi
  fi
fi

# The payload, with the builtin `read` (no `cat` to start); each line keeps its newline, so a
# complete file ends with one (a reader leaves a file without it alone while it is being written).
payload=
while IFS= read -r line || [ -n "$line" ]; do
  payload="$payload$line
"
done
dir="$home/inbox"
name="$kind-${CLAUDE_PID:-0}-$$.json"
# noclobber: an older file of the same name still waiting is never overwritten. Where the inbox
# cannot be written (read-only home, a planted link), the Node hook records the event or spools it.
set -C
if [ -L "$dir" ] || ! { [ -d "$dir" ] || mkdir -p -m 700 "$dir"; } 2>/dev/null ||
  ! { umask 077 && printf '%s\n%s' "$project" "$payload" > "$dir/$name"; } 2>/dev/null; then
  printf '%s' "$payload" | node_hook
  exit 0
fi

if [ "$kind" = end ] && [ -f "$root/dist/hook.cjs" ]; then
  # Out of Claude Code's process group where setsid exists, so the end of the session does not end it.
  if command -v setsid > /dev/null 2>&1; then detach=setsid; else detach=; fi
  ($detach env -u NODE_EXTRA_CA_CERTS node "$root/dist/hook.cjs" --drain-inbox < /dev/null > /dev/null 2>&1 &)
fi
exit 0

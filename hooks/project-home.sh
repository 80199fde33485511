# Sourced by session-event.sh and command-or-resident.sh. An AGENT_WARDEN_HOME that the project's own
# Claude Code settings may have set is Node's to judge (src/runtime/paths.ts ignores it and says so
# at SessionStart): then the Node hook takes the event rather than that home's inbox. Reads at most
# 1 MB of each settings file (Node reads no more either).
home_set_by_project() {
  [ -n "$AGENT_WARDEN_HOME" ] || return 1
  for settings in "$CLAUDE_PROJECT_DIR/.claude/settings.json" "$CLAUDE_PROJECT_DIR/.claude/settings.local.json"; do
    if [ -f "$settings" ]; then
      case "$(head -c 1048576 "$settings" 2>/dev/null)" in *AGENT_WARDEN_HOME*) return 0 ;; esac
    fi
  done
  return 1
}

# The command hook, unless the resident server is answering this event through its mcp_tool hook.
# The server keeps <warden home>/resident/<Claude Code pid> holding its pid while connected (see
# src/server/heartbeat.ts); only when that names a live process is Node skipped. A crashed, slow
# to start or absent server leaves the command hook in charge; an event both paths deliver is
# recorded once (natural event ids). Usage: sh command-or-resident.sh <plugin root>
home="${AGENT_WARDEN_HOME:-$HOME/.claude/agent-warden}"
if [ -n "$CLAUDE_PID" ] && read -r pid < "$home/resident/$CLAUDE_PID" 2>/dev/null && kill -0 "$pid" 2>/dev/null; then
  exit 0
fi
exec env -u NODE_EXTRA_CA_CERTS node "$1/dist/hook.cjs"

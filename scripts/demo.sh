#!/bin/bash
# Sets up and opens ReproLab in a browser VS Code on this machine (Debian 12 / Ubuntu, as root):
# builds and packages the extension, installs it into the VS Code server (cached by version),
# prepares an example workspace with real .sif images, starts the server and prints its URL. The
# example workspace is this script's own, so the server opens it trusted.
#   bash scripts/demo.sh         start (or restart) the demo
#   bash scripts/demo.sh stop    stop it
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
. scripts/versions.sh
DEMO=${REPROLAB_DEMO_DIR:-$HOME/reprolab-demo}
PORT=${REPROLAB_DEMO_PORT:-8080}
HOST=${REPROLAB_DEMO_HOST:-127.0.0.1}

stop_demo() {
  if [ -s "$DEMO/server.pid" ] && kill -0 "$(cat "$DEMO/server.pid")" 2>/dev/null; then
    kill -- -"$(cat "$DEMO/server.pid")" 2>/dev/null || kill "$(cat "$DEMO/server.pid")"
    echo "ReproLab demo stopped."
  fi
  rm -f "$DEMO/server.pid"
}
if [ "${1:-}" = stop ]; then stop_demo; exit 0; fi
[ $# -eq 0 ] || { echo "usage: bash scripts/demo.sh [stop]" >&2; exit 2; }

bash scripts/install-test-deps.sh
npm ci --no-audit --no-fund --loglevel=error
npm run --silent package >/dev/null
stop_demo

# Apptainer itself cannot be installed from Debian 12's packages: without it, the demo runs images
# with the test stand-in (test/standin/apptainer, real SIF files unpacked and chrooted; never in the .vsix).
if ! command -v apptainer >/dev/null && ! command -v singularity >/dev/null; then
  install -m 755 test/standin/apptainer /usr/local/bin/apptainer
  echo "[demo] no Apptainer on this machine: installed the test stand-in as /usr/local/bin/apptainer"
fi

# The example workspace: real images and settings pointing at them.
mkdir -p "$DEMO/workspace/images" "$DEMO/workspace/.vscode" "$DEMO/data/user/User"
cp -np test/fixtures/sif/*.sif "$DEMO/workspace/images/"
[ -f "$DEMO/workspace/images/lab.sif" ] || bash test/images/build-lab-image.sh "$DEMO/workspace/images/lab.sif"
# The example lab (examples/sklearn-lab) and a ready run of it on this machine.
example=$DEMO/workspace/images/sklearn-lab.sif
[ -f "$example" ] || bash examples/sklearn-lab/build-sif.sh "$example"
mkdir -p "$DEMO/workspace/.reprolab/runs"
[ -f "$DEMO/workspace/.reprolab/runs/sklearn-lab.yaml" ] || node -e '
  const fs = require("fs"); const [template, image, out, root] = process.argv.slice(1);
  const text = fs.readFileSync(template, "utf8").replace(/^image: .*$/m, `image: ${JSON.stringify(image)}`);
  fs.writeFileSync(out, `${text}output:\n  root: ${JSON.stringify(root)}   # each run gets a fresh folder here\n`);
' examples/sklearn-lab/run-config.yaml "$example" "$DEMO/workspace/.reprolab/runs/sklearn-lab.yaml" "$DEMO/runs"
[ -f "$DEMO/workspace/.vscode/settings.json" ] || cat > "$DEMO/workspace/.vscode/settings.json" <<JSON
{
  "reprolab.imageFolders": ["\${workspaceFolder}/images"],
  "reprolab.clusters": [{ "name": "local", "host": "local" }]
}
JSON
[ -f "$DEMO/data/user/User/settings.json" ] || cat > "$DEMO/data/user/User/settings.json" <<JSON
{ "workbench.startupEditor": "none", "workbench.secondarySideBar.defaultVisibility": "hidden", "chat.disableAIFeatures": true, "telemetry.telemetryLevel": "off" }
JSON
server_args=(--accept-server-license-terms --disable-telemetry --server-data-dir "$DEMO/data/server"
  --user-data-dir "$DEMO/data/user" --extensions-dir "$DEMO/data/extensions")
"$NODE24_BIN" "$VSCODE_SERVER_MAIN" "${server_args[@]}" --install-extension "$root/reprolab.vsix" --force >"$DEMO/install.log" 2>&1 \
  || { cat "$DEMO/install.log"; exit 1; }

token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
setsid "$NODE24_BIN" "$VSCODE_SERVER_MAIN" "${server_args[@]}" --host "$HOST" --port "$PORT" \
  --connection-token "$token" --disable-workspace-trust >"$DEMO/server.log" 2>&1 < /dev/null &
echo $! > "$DEMO/server.pid"
for _ in $(seq 1 150); do curl -sf "http://$HOST:$PORT/version" >/dev/null && break; sleep 0.2; done
curl -sf "http://$HOST:$PORT/version" >/dev/null || { tail -20 "$DEMO/server.log"; echo "the VS Code server did not start" >&2; exit 1; }

url="http://$HOST:$PORT/?tkn=$token&folder=$DEMO/workspace"
echo
echo "ReproLab is running in VS Code at:"
echo "  $url"
echo "Open it in a browser on this machine (or forward port $PORT), then click the ReproLab icon in the activity bar."
stop_command="bash scripts/demo.sh stop"
[ -z "${REPROLAB_DEMO_DIR:-}" ] || stop_command="REPROLAB_DEMO_DIR=$(printf %q "$DEMO") $stop_command"
echo "Stop it with: $stop_command"
if [ -n "${DISPLAY:-}" ] && command -v xdg-open >/dev/null; then xdg-open "$url" >/dev/null 2>&1 || true; fi

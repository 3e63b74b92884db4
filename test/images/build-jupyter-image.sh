#!/bin/bash
# Builds a real SIF for the notebook tests without Apptainer: a root file system holding this
# machine's Debian python3 with jupyter-server, ipykernel and pypdf, made of those packages' files
# and every package they depend on (so each shared library comes with its package), plus busybox for
# /bin/sh, packed next to its definition file by pack-sif.sh.
# The stand-in Apptainer runs commands as uid 0 of a user namespace, so the image's Jupyter config
# allows root, which a real Apptainer (running as the user) never needs.
# Usage: build-jupyter-image.sh OUT.sif   (needs jupyter-core jupyter-server python3-ipykernel python3-pypdf busybox-static)
set -euo pipefail
out=${1:?usage: build-jupyter-image.sh OUT.sif}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
r=$work/rootfs
mkdir -p "$r/bin" "$r/tmp" "$r/home" "$r/etc/jupyter" "$r/.singularity.d/env"

# Installed packages these need, recursively (Depends and Pre-Depends, first alternative). Tools a
# kernel never runs (gdb for the debugger's attach, the package manager itself) are left out.
skip=" gdb dpkg debconf tar ucf sensible-utils tzdata "
declare -A seen
queue=(jupyter-core jupyter-server python3-ipykernel python3-pypdf)
while [ ${#queue[@]} -gt 0 ]; do
  p=${queue[0]}; queue=("${queue[@]:1}")
  [ -n "${seen[$p]:-}" ] && continue
  case "$skip" in *" $p "*) continue ;; esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || continue
  seen[$p]=1
  for d in $(dpkg-query -W -f='${Depends}, ${Pre-Depends}' "$p" | tr ',' '\n' | sed -e 's/|.*//' -e 's/(.*)//' -e 's/:any//' -e 's/ //g'); do
    queue+=("$d")
  done
done
for p in jupyter-core jupyter-server python3-ipykernel python3-pypdf; do
  [ -n "${seen[$p]:-}" ] || { echo "build-jupyter-image.sh: $p is not installed (scripts/install-test-deps.sh installs it)" >&2; exit 1; }
done
# Their files, without documentation; symlinks stay symlinks.
for p in "${!seen[@]}"; do dpkg-query -L "$p"; done \
  | grep -vE '^/usr/share/(doc|man|info|locale|lintian|bug)(/|$)' | sort -u > "$work/files"
# Debian's usrmerge: /lib, /lib64 and /sbin are links into /usr, in the image as on the host.
mkdir -p "$r/usr/lib" "$r/usr/lib64" "$r/usr/sbin"
for d in lib lib64 sbin; do ln -s "usr/$d" "$r/$d"; done
grep -vxE '/(lib|lib64|sbin|bin)' "$work/files" | tar -C / --no-recursion -cf - -T - | tar -C "$r" --keep-directory-symlink -xf -
cp /bin/busybox "$r/bin/busybox"
for c in sh cat ls env id pwd sleep mkdir rm uname; do [ -e "$r/bin/$c" ] || ln -s busybox "$r/bin/$c"; done
# The dynamic loader must answer inside the image: ldd the interpreter and pyzmq's library there.
python=$(readlink -f /usr/bin/python3)
for lib in $(ldd "$python" $(find "$r/usr/lib/python3/dist-packages/zmq" -name '*.so' 2>/dev/null) | awk '/=> \// {print $3} /^\t\/lib/ {print $1}' | sort -u); do
  [ -e "$r$lib" ] || { mkdir -p "$r$(dirname "$lib")"; cp -L "$lib" "$r$lib"; }
done
cat > "$r/etc/os-release" <<'OS'
PRETTY_NAME="ReproLab notebook image (Debian python3, jupyter-server, ipykernel, pypdf)"
NAME="ReproLab notebook image"
ID=reprolab
OS
printf '{"ServerApp": {"allow_root": true}}\n' > "$r/etc/jupyter/jupyter_server_config.json"
printf '{"org.reprolab.image":"notebook","maintainer":"ReproLab tests"}' > "$r/.singularity.d/labels.json"
printf '#!/bin/sh\nexport PYTHONUNBUFFERED=1\n' > "$r/.singularity.d/env/90-environment.sh"
printf '#!/bin/sh\nexec jupyter server "$@"\n' > "$r/.singularity.d/runscript"
chmod 755 "$r/.singularity.d/runscript"
cat > "$work/notebook.def" <<'DEF'
Bootstrap: docker
From: debian:12

%post
    apt-get update && apt-get install -y --no-install-recommends jupyter-server python3-ipykernel python3-pypdf

%labels
    org.reprolab.image notebook
    maintainer ReproLab tests

%runscript
    exec jupyter server "$@"
DEF
cp "$work/notebook.def" "$r/.singularity.d/Singularity"
if [ "$(id -u)" = 0 ] && ! chroot "$r" /usr/bin/python3 -c 'import jupyter_server, ipykernel, pypdf, zmq'; then
  echo "build-jupyter-image.sh: python3 in the image cannot import jupyter_server, ipykernel, pypdf and zmq" >&2; exit 1
fi
bash "$(dirname "$0")/pack-sif.sh" "$r" "$work/notebook.def" "$out"

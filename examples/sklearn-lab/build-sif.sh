#!/bin/bash
# Builds a real SIF of the example lab on Debian 12 without Apptainer: a root file system holding
# this machine's Python 3 with its standard library and the Debian packages the lab imports
# (scikit-learn, NumPy, SciPy, pandas, joblib, threadpoolctl, PyYAML; pip, so the image can list
# them), the shared libraries they load, a busybox /bin/sh, the lab under /opt/lab and Apptainer's
# /.singularity.d/ (runscript, labels, environment, help and definition file, all taken from
# sklearn-lab.def), packed with mksquashfs and assembled with siftool next to sklearn-lab.def as
# its definition file. The apt packages come from scripts/install-test-deps.sh.
#   Usage: build-sif.sh OUT.sif
set -euo pipefail
out=${1:?usage: build-sif.sh OUT.sif}
here=$(cd "$(dirname "$0")" && pwd)
def=$here/sklearn-lab.def
packages=(
  python3.11-minimal libpython3.11-minimal libpython3.11-stdlib python3-minimal python3
  python3-sklearn python3-sklearn-lib python3-numpy python3-scipy python3-joblib python3-threadpoolctl
  python3-yaml python3-pandas python3-pandas-lib python3-dateutil python3-tz tzdata python3-six
  python3-pip python3-setuptools python3-pkg-resources python3-wheel python3-distutils
)
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
    || { echo "build-sif.sh: the Debian package $p is missing: run scripts/install-test-deps.sh (as root) first" >&2; exit 1; }
done
for tool in mksquashfs siftool ldd /bin/busybox; do
  command -v "$tool" >/dev/null || { echo "build-sif.sh: $tool is missing: run scripts/install-test-deps.sh (as root) first" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
r=$work/rootfs

# Debian 12's merged /usr: /bin, /lib, /lib64 and /sbin are links into /usr, in the image as here.
mkdir -p "$r"/usr/{bin,lib,lib64,sbin} "$r"/{etc,dev,proc,sys,home,root,opt/lab,.singularity.d/env}
install -d -m 1777 "$r/tmp"
for d in bin lib lib64 sbin; do ln -s "usr/$d" "$r/$d"; done

# Where a host path lives in the image: its folder with links resolved, so /lib/x/y lands in /usr/lib/x/y.
list=$work/files
: > "$list"
add() { printf '%s/%s\n' "$(realpath "$(dirname "$1")")" "$(basename "$1")" >> "$list"; }

# The packages' own files, without documentation, test suites or byte code of the tests.
dpkg -L "${packages[@]}" | sort -u | grep -vE '^/usr/share/(doc|man|lintian|bug)/|/tests?/' | while read -r f; do
  [ -d "$f" ] && [ ! -L "$f" ] && continue
  [ -e "$f" ] && add "$f"
done
# The shared-library closure of the interpreter and of every extension module, and the loader.
grep -E '/bin/python3\.11$|\.so(\.[0-9]+)*$' "$list" | xargs -r ldd 2>/dev/null \
  | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\/.*ld-linux/ { print $1 }' | sort -u | while read -r lib; do add "$lib"; done
sort -u -o "$list" "$list"
# Links are followed (tar -h): an alternatives link such as libblas.so.3 becomes the library itself.
tar -C / -chf - --no-recursion -T <(sed 's|^/||' "$list") | tar -C "$r" --keep-directory-symlink -xf -

# A shell and the few tools a runscript or a look inside needs, from busybox-static.
cp /bin/busybox "$r/usr/bin/busybox"
for c in sh cat cp echo env grep head id ls mkdir mv printf pwd rm sed sleep tail uname wc; do
  [ -e "$r/usr/bin/$c" ] || ln -s busybox "$r/usr/bin/$c"
done
cp /usr/lib/os-release "$r/usr/lib/os-release"
ln -sf ../usr/lib/os-release "$r/etc/os-release"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$r/etc/passwd"
printf 'root:x:0:\n' > "$r/etc/group"

# The lab, as sklearn-lab.def's %files puts it.
cp "$here/main.py" "$here/requirements.txt" "$r/opt/lab/"
mkdir -p "$r/opt/lab/sklearn_lab" "$r/opt/lab/data"
cp "$here"/sklearn_lab/*.py "$r/opt/lab/sklearn_lab/"
cp "$here"/data/* "$r/opt/lab/data/"

# /.singularity.d/ as `apptainer build` writes it from the definition file's sections.
/usr/bin/python3 - "$def" "$r/.singularity.d" <<'PY'
import json, re, sys, textwrap
definition, target = sys.argv[1], sys.argv[2]
sections, name = {}, None
for line in open(definition, encoding="utf-8"):
    m = re.match(r"^%(\w+)\s*$", line)
    if m:
        name = m.group(1)
        sections[name] = ""
    elif name:
        sections[name] += line
body = lambda key: textwrap.dedent(sections.get(key, "")).strip("\n") + "\n"
with open(f"{target}/runscript", "w") as f:
    f.write("#!/bin/sh\n\n" + body("runscript"))
with open(f"{target}/env/90-environment.sh", "w") as f:
    f.write("#!/bin/sh\n# Custom environment shell code should follow\n\n" + body("environment"))
with open(f"{target}/runscript.help", "w") as f:
    f.write(body("help"))
labels = {"org.label-schema.schema-version": "1.0", "org.label-schema.build-arch": "amd64"}
for line in body("labels").splitlines():
    if line.strip():
        key, _, value = line.strip().partition(" ")
        labels[key] = value.strip()
with open(f"{target}/labels.json", "w") as f:
    json.dump(labels, f, indent=4)
PY
chmod 755 "$r/.singularity.d/runscript" "$r/.singularity.d/env/90-environment.sh"
cp "$def" "$r/.singularity.d/Singularity"

mksquashfs "$r" "$work/rootfs.squashfs" -noappend -all-root -quiet >/dev/null
rm -f "$out"
siftool new "$out"
siftool add "$out" "$def" --datatype 1
siftool add "$out" "$work/rootfs.squashfs" --datatype 4 --parttype 2 --partfs 1 --partarch 2
chmod 644 "$out"

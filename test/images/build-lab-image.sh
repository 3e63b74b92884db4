#!/bin/bash
# Builds a real SIF for the tests without Apptainer: a busybox root file system with an
# /etc/os-release, a small `python3` (a shell script that answers --version and `-m pip freeze`
# like a real one, so Explore has an interpreter and packages to compare), the /.singularity.d/
# runscript, labels and environment, packed with mksquashfs and assembled with siftool next to
# its definition file (pack-sif.sh). Like the seed lab's container, a run writes args.yaml and cv_results.csv
# into its --output-dir: the seed lab's recorded outputs, with the run's seed and folder in
# args.yaml. Usage: build-lab-image.sh OUT.sif
set -euo pipefail
out=${1:?usage: build-lab-image.sh OUT.sif}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
r=$work/rootfs
mkdir -p "$r/bin" "$r/usr/bin" "$r/etc" "$r/tmp" "$r/home" "$r/.singularity.d/env" "$r/opt/lab"
cp /bin/busybox "$r/bin/busybox"
for c in sh cat cp echo ls printf env id pwd sed sleep grep head tail wc mkdir; do ln -s busybox "$r/bin/$c"; done
cat > "$r/etc/os-release" <<'OS'
PRETTY_NAME="ReproLab lab image (busybox)"
NAME="ReproLab lab image"
ID=reprolab
OS
cat > "$r/usr/bin/python3" <<'PY'
#!/bin/sh
# Answers like the Python 3.11 of the lab image would.
case "$*" in
  --version) echo "Python 3.11.2" ;;
  "-m pip freeze"*|"-m pip list"*) printf '%s\n' 'joblib==1.3.2' 'numpy==1.26.4' 'pandas==2.2.2' 'PyYAML==6.0.1' 'scikit-learn==1.5.0' ;;
  *) echo "python3 stub: $*" >&2; exit 2 ;;
esac
PY
chmod 755 "$r/usr/bin/python3"
# The entry point answers -h/--help with the seed lab's own help text, as the real container does.
cp "$(dirname "$0")/../fixtures/abide-demo-help-cols200.txt" "$r/opt/lab/help.txt"
mkdir -p "$r/opt/lab/outputs"
cp "$(dirname "$0")/../fixtures/seed/cv_results.csv" "$(dirname "$0")/../fixtures/seed/args.yaml" "$r/opt/lab/outputs/"
cat > "$r/.singularity.d/runscript" <<'RUN'
#!/bin/sh
case "$1" in -h|--help) cat /opt/lab/help.txt; exit 0 ;; esac
echo "lab image running with: $*"
seed=0; out=
while [ $# -gt 0 ]; do
  case "$1" in --random-state) seed=$2; shift ;; --output-dir) out=$2; shift ;; esac
  shift
done
[ -n "$out" ] || exit 0
mkdir -p "$out" && cp /opt/lab/outputs/cv_results.csv "$out/"
sed -e "s|^random_state: .*|random_state: $seed|" -e "s|^output_dir: .*|output_dir: $out|" /opt/lab/outputs/args.yaml > "$out/args.yaml"
RUN
chmod 755 "$r/.singularity.d/runscript"
printf '{"org.reprolab.lab":"explore","maintainer":"ReproLab tests"}' > "$r/.singularity.d/labels.json"
printf '#!/bin/sh\nexport LAB_HOME=/opt/lab\n' > "$r/.singularity.d/env/90-environment.sh"
cat > "$work/lab.def" <<'DEF'
Bootstrap: docker
From: busybox:1.36

%labels
    org.reprolab.lab explore
    maintainer ReproLab tests

%environment
    export LAB_HOME=/opt/lab

%runscript
DEF
# The definition file's %runscript is the runscript itself, indented.
sed -e '1d' -e 's/^/    /' "$r/.singularity.d/runscript" >> "$work/lab.def"
cp "$work/lab.def" "$r/.singularity.d/Singularity"
bash "$(dirname "$0")/pack-sif.sh" "$r" "$work/lab.def" "$out"

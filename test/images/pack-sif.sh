#!/bin/bash
# Packs a root file system into a real SIF without Apptainer: the definition file as object 1, the
# root file system as a squashfs system partition (mksquashfs, siftool). Shared by the test image builders.
# Usage: pack-sif.sh ROOTFS DEFINITION OUT.sif
set -euo pipefail
rootfs=${1:?usage: pack-sif.sh ROOTFS DEFINITION OUT.sif}; def=${2:?definition file}; out=${3:?output .sif}
squash=$(mktemp -u "${TMPDIR:-/tmp}/reprolab-rootfs-XXXXXX.squashfs")
trap 'rm -f "$squash"' EXIT
mksquashfs "$rootfs" "$squash" -noappend -all-root -quiet >/dev/null
rm -f "$out"
siftool new "$out"
siftool add "$out" "$def" --datatype 1
siftool add "$out" "$squash" --datatype 4 --parttype 2 --partfs 1 --partarch 2
chmod 644 "$out"

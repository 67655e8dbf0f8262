#!/usr/bin/env bash
# Installs what foliofs and its tests need on Debian/Ubuntu when it is missing.
# Needs root (apt-get). Safe to run repeatedly: installs only what is absent.
set -euo pipefail
need=()
have() { command -v "$1" >/dev/null 2>&1; }
pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
have java || need+=(openjdk-17-jdk-headless)
have mvn || need+=(maven)
have fusermount3 || need+=(fuse3)
pkg_installed libfuse2 || pkg_installed libfuse2t64 || need+=(libfuse2)
if [ "${1:-}" = "--tests" ]; then
  have fio || need+=(fio)
  have fuse2fs || need+=(fuse2fs)
  have sqlite3 || need+=(sqlite3)
  have git || need+=(git)
  have python3 || need+=(python3)
  have setpriv || need+=(util-linux)
  have losetup || need+=(mount)
  have mkfs.ext4 || need+=(e2fsprogs)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # libfuse2 is named libfuse2t64 on newer Ubuntu releases
  if ! apt-get install -y -qq "${need[@]}" >/dev/null; then
    alt=("${need[@]/libfuse2/libfuse2t64}")
    apt-get install -y -qq "${alt[@]}" >/dev/null
  fi
fi
[ -e /dev/fuse ] || modprobe fuse 2>/dev/null || true

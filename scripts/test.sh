#!/usr/bin/env bash
# Sets up and runs the whole foliofs test suite: installs what is missing (FUSE, fio,
# fuse2fs, sqlite3...), then builds and runs every module's tests, including the ones that
# mount through FUSE and attach loop devices (they clean up after themselves).
set -euo pipefail
# file names are bytes: a UTF-8 locale makes the JVM (sun.jnu.encoding) pass them through unchanged
export LC_ALL=C.UTF-8 LANG=C.UTF-8
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/install-deps.sh --tests
mvn -B -ntp verify "$@"

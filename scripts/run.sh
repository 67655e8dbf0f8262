#!/usr/bin/env bash
# Sets up and runs foliofs on the default image: installs what is missing, builds,
# creates var/foliofs.img (1 GiB sparse) and formats it if absent, checks it, and mounts it
# at var/mnt in the foreground. Ctrl-C unmounts cleanly.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/install-deps.sh
mvn -q -B -DskipTests package
img="${FOLIOFS_IMAGE:-var/foliofs.img}"
mnt="${FOLIOFS_MOUNTPOINT:-var/mnt}"
mkdir -p "$(dirname "$img")" "$mnt"
if [ ! -e "$img" ]; then
  truncate -s 1G "$img"
  bin/foliofs mkfs --label foliofs "$img"
fi
bin/foliofs fsck "$img"
bin/foliofs info "$img"
echo "mounting $img at $mnt (Ctrl-C to unmount)" >&2
exec bin/foliofs mount "$img" "$mnt"

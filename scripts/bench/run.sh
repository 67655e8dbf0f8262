#!/usr/bin/env bash
# Builds foliofs, runs `foliofs bench` (kernel ext4, fuse2fs and foliofs on identical loop
# devices) and writes the results to docs/BENCHMARKS.md and docs/benchmarks-ratios.svg.
# Needs root (loop devices, mounts); installs fio and fuse2fs when missing.
#
#   sudo bash scripts/bench/run.sh                 # the full bench (1 GiB file, 20 s per random job)
#   sudo bash scripts/bench/run.sh --quick         # small sizes, about a minute
#   sudo bash scripts/bench/run.sh --filesystems ext4,fuse2fs --size 256M
#
# Every argument is passed to `foliofs bench` (see `foliofs bench --help`).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

bash scripts/install-deps.sh
echo "bench: building" >&2
mvn -q -B -ntp -DskipTests package >&2
jar=$(ls tools/target/tools-*.jar | grep -v -e sources -e tests | head -n 1)

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
status=0
# foliofs itself runs through bin/foliofs (found from the current directory) unless --foliofs-command says otherwise
java -cp "$jar:tools/target/lib/*" dev.foliofs.tools.BenchCommand \
  --json "$out/bench.json" --markdown "$out/table.md" --svg "$out/ratios.svg" "$@" | tee "$out/table.txt" || status=$?
if [ ! -s "$out/table.md" ]; then
  echo "bench: no results (exit status $status)" >&2
  exit "${status:-1}"
fi

# The machine, as the doc reports it.
cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)
cores=$(nproc)
ram=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
kernel=$(uname -sr)
backing=$(df --output=source /var/tmp | tail -n 1)
disk=$(lsblk -ndo NAME,MODEL,SIZE,ROTA "$backing" 2>/dev/null | awk '{rota = $NF; $NF = ""; print $0 (rota == "1" ? "(rotational)" : "(non-rotational)")}' || true)
fio_version=$(fio --version)
e2fs_version=$(dpkg-query -W -f='${Version}' fuse2fs 2>/dev/null || echo unknown)
java_version=$(java -version 2>&1 | head -n 1)
args="$*"

mkdir -p docs
cp "$out/ratios.svg" docs/benchmarks-ratios.svg
{
  echo "# Benchmarks"
  echo
  echo "foliofs against kernel ext4 (the reference: same device, no FUSE) and fuse2fs (ext4 through"
  echo "FUSE, what people use today), measured in one run by \`foliofs bench\` on this machine."
  echo "This file is written by \`scripts/bench/run.sh\`; do not edit it by hand."
  echo
  echo "## Latest results"
  echo
  echo "Run on $(date -u '+%Y-%m-%d %H:%M UTC')${args:+ with \`$args\`}; $(head -n 1 "$out/table.txt" | sed 's/^foliofs bench: //')."
  echo "$(sed -n 2p "$out/table.txt")."
  echo
  cat "$out/table.md"
  if grep -q ' failed: ' "$out/table.txt"; then
    echo
    echo "Failures in this run:"
    echo
    grep ' failed: ' "$out/table.txt" | sed 's/^/- /'
  fi
  echo
  echo "![foliofs relative to ext4 and fuse2fs](benchmarks-ratios.svg)"
  echo
  echo "## Machine"
  echo
  echo "| | |"
  echo "| --- | --- |"
  echo "| CPU | ${cpu:-unknown}, $cores cores |"
  echo "| RAM | $ram |"
  echo "| kernel | $kernel |"
  echo "| load average (1, 5, 15 min) when the run started | $load_before |"
  echo "| disk holding the images | ${disk:-$backing} |"
  echo "| fio | $fio_version |"
  echo "| fuse2fs (e2fsprogs) | $e2fs_version |"
  echo "| Java | $java_version |"
  echo
  echo "## What runs"
  echo
  echo "Each filesystem gets a fresh sparse image of the same size on its own loop device (direct IO"
  echo "on, so the image's page cache does not serve reads), is formatted (\`mkfs.ext4\` for ext4 and"
  echo "fuse2fs, \`foliofs mkfs\` for foliofs) and mounted (\`mount\`, \`fuse2fs -f DEV MNT -o fakeroot\`,"
  echo "\`foliofs mount DEV MNT\`). Then, in this order, with the page cache dropped before each job:"
  echo
  echo "1. **sequential write + fsync**: fio, 1 MiB blocks, psync, one file of the run's size, \`end_fsync=1\`;"
  echo "2. **cold sequential read**: unmount, mount again, read the file back with 1 MiB blocks;"
  echo "3. **random 4 KiB reads and writes** over that file, psync with \`direct=1\`: one job (queue depth 1),"
  echo "   then 4 jobs, each time-based;"
  echo "4. **metadata**: create, stat and unlink of empty files in one new directory, timed per phase,"
  echo "   from the bench process itself (java.nio)."
  echo
  echo "Throughput rows are MiB/s or IOPS (higher is better); metadata rows are seconds (lower is"
  echo "better). Ratio columns are foliofs/X for throughput and X/foliofs for times, so **a ratio above"
  echo "1 always means foliofs is better**. The chart shows the same ratios on a log scale."
  echo "Absolute numbers move with the load on the disk that holds the images; the filesystems of one"
  echo "run share the same conditions, so compare within a run."
  echo
  echo "## Reproduce"
  echo
  echo '```sh'
  echo "sudo bash scripts/bench/run.sh            # full: 1 GiB file, 20 s per random job, 20,000 files"
  echo "sudo bash scripts/bench/run.sh --quick    # small: 64 MiB file, 2 s per random job, 2,000 files"
  echo "bin/foliofs bench --help                  # every option (--filesystems, --size, --json, --keep...)"
  echo '```'
  echo
  echo "The bench removes every mount and loop device it made, also when interrupted with Ctrl-C;"
  echo "\`--keep\` keeps its work directory (fio JSON reports, daemon logs) for a closer look."
  echo
  echo "To profile foliofs under the bench with JDK Flight Recorder, give the mount JVM its options"
  echo "through the launcher:"
  echo
  echo '```sh'
  echo 'sudo bash scripts/bench/run.sh --filesystems foliofs \'
  echo '  --foliofs-command "env FOLIOFS_JAVA_OPTS=-XX:StartFlightRecording=filename=/tmp/foliofs.jfr,settings=profile $PWD/bin/foliofs"'
  echo 'jfr print --events jdk.ExecutionSample /tmp/foliofs.jfr | less'
  echo '```'
  echo
  echo "Notes on reading the numbers: fuse2fs opens its device without O_DIRECT, so its random reads"
  echo "are served from the device's page cache once a job has touched a block (the cache is dropped"
  echo "before each job, not during it); kernel ext4 with O_DIRECT reads the device every time."
  echo
  echo "The profiling work behind these numbers, and what is left, is in [PERFORMANCE.md](PERFORMANCE.md)."
} > docs/BENCHMARKS.md
echo "bench: wrote docs/BENCHMARKS.md and docs/benchmarks-ratios.svg" >&2
exit "$status"

#!/usr/bin/env bash
# Build KTAB's command-line SMP program `smpc` from its public source, outside the repository.
#
#   benchmarks/peers/setup_ktab.sh KTAB_GIT EASYLOGGING_GIT [DEST]
#
# KTAB_GIT         git directory of github.com/lsyaseen/KTAB (a clone or mirror snapshot;
#                  it must hold commit 3b5b063, the one the project's KTAB fidelity data
#                  came from)
# EASYLOGGING_GIT  git directory of github.com/abumq/easyloggingpp (tag v9.94.2, the release
#                  KTAB's own build notes name)
# DEST             build folder, default ${REALPOLITIK_PEERS_DIR:-/tmp/peers}/ktab
#
# Needs Debian 12 packages (installed with apt-get unless SKIP_APT=1): a C++ compiler, CMake,
# Qt 5 (Core, Sql + its SQLite driver), TinyXML2, SQLite. About 3 minutes on 2 cores.
# Prints the path of the built smpc last; bench_peers.py finds it at DEST/src/examples/smp/smpc.
# Nothing of KTAB is written into the repository.
set -euo pipefail

ktab_git=${1:?usage: setup_ktab.sh KTAB_GIT EASYLOGGING_GIT [DEST]}
elpp_git=${2:?usage: setup_ktab.sh KTAB_GIT EASYLOGGING_GIT [DEST]}
dest=${3:-${REALPOLITIK_PEERS_DIR:-/tmp/peers}/ktab}
rev=3b5b063
elpp_rev=v9.94.2
jobs=${JOBS:-$(nproc)}
# KTAB's CMakeLists pin CMAKE_BUILD_TYPE=Debug (-g, no optimisation); -O1 is added so the
# peer is not timed unoptimised. Override with KTAB_CXXFLAGS.
cxxflags=${KTAB_CXXFLAGS:--O1}

if [[ ${SKIP_APT:-0} != 1 ]]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq build-essential cmake \
        qtbase5-dev libqt5sql5-sqlite libtinyxml2-dev libsqlite3-dev time >/dev/null
fi

git --git-dir="$ktab_git" cat-file -e "$rev^{commit}" ||
    { echo "setup_ktab.sh: $ktab_git does not hold KTAB commit $rev" >&2; exit 2; }

src=$dest/src
prefix=$dest/prefix
rm -rf "$src" "$dest/easyloggingpp"
mkdir -p "$src" "$dest/easyloggingpp"

# Only the folders smpc is built from. A snapshot may lack some large blobs (zips, reference
# logs, web assets), so files are written one by one and an absent blob is reported, not fatal.
git --git-dir="$ktab_git" ls-tree -r -z "$rev" -- KTAB examples/smp minicsv easyloggingpp qcustomplot |
while IFS=$'\t' read -r -d '' meta path; do
    read -r mode kind sha <<<"$meta"
    [[ $kind == blob ]] || continue
    if ! git --git-dir="$ktab_git" cat-file -e "$sha" 2>/dev/null; then
        echo "setup_ktab.sh: not in this snapshot, skipped: $path" >&2
        continue
    fi
    mkdir -p "$src/${path%/*}"
    git --git-dir="$ktab_git" cat-file blob "$sha" >"$src/$path"
    if [[ $mode == 100755 ]]; then chmod +x "$src/$path"; fi
done

# easylogging++ built as a library with the CMakeLists.txt KTAB ships for that purpose.
git --git-dir="$elpp_git" archive "$elpp_rev" | tar -x -C "$dest/easyloggingpp"
cp "$src/easyloggingpp/CMakeLists.txt" "$dest/easyloggingpp/CMakeLists.txt"
cmake -S "$dest/easyloggingpp" -B "$dest/easyloggingpp/build" \
      -DCMAKE_INSTALL_PREFIX="$prefix" >"$dest/easyloggingpp.log"
cmake --build "$dest/easyloggingpp/build" -j "$jobs" >>"$dest/easyloggingpp.log"
cmake --install "$dest/easyloggingpp/build" >>"$dest/easyloggingpp.log"

# The three CMake projects in dependency order, one target each (KTAB's reconfig scripts
# configure the same folders).
build() {  # folder target
    local dir=$src/$1/build
    mkdir -p "$dir"
    if ! (cd "$dir" && cmake .. -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_FLAGS="$cxxflags" \
              >cmake.log 2>&1 && make -j "$jobs" "$2" >make.log 2>&1); then
        echo "setup_ktab.sh: building $2 failed; the end of its log:" >&2
        tail -n 40 "$dir/make.log" 2>/dev/null || tail -n 40 "$dir/cmake.log" >&2
        exit 1
    fi
}
export CMAKE_PREFIX_PATH=$prefix
build KTAB/kutils kutils
build KTAB/kmodel kmodel
build examples/smp smpc

smpc=$src/examples/smp/smpc
[[ -x $smpc ]] || { echo "setup_ktab.sh: $smpc was not built" >&2; exit 1; }
echo "$smpc"

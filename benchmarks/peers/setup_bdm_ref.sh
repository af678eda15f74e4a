#!/usr/bin/env bash
# Set up the published Python replication of the BDM/Scholz expected-utility model
# (github.com/jmckib/bdm-scholz-expected-utility-model, commit 55f63e9) outside the repository.
#
#   benchmarks/peers/setup_bdm_ref.sh JMCKIB_GIT [DEST]
#
# JMCKIB_GIT  git directory of that repository (a clone or mirror snapshot)
# DEST        default ${REALPOLITIK_PEERS_DIR:-/tmp/peers}/bdm-ref
#
# The reference is Python 2. A scratch copy in DEST is made runnable on Python 3 with two
# mechanical edits and nothing else: `print x` statements become print(x) calls, and the
# removed open mode 'rU' becomes 'r'. The diff against the original is printed, so the
# edit can be checked. The model code itself is untouched.
set -euo pipefail

git_dir=${1:?usage: setup_bdm_ref.sh JMCKIB_GIT [DEST]}
dest=${2:-${REALPOLITIK_PEERS_DIR:-/tmp/peers}/bdm-ref}
rev=55f63e9
py=${PYTHON:-python3}

mkdir -p "$dest"
git --git-dir="$git_dir" show "$rev:bdm_scholz_model.py" >"$dest/bdm_scholz_model.py2"
sed -E -e 's/^([[:space:]]*)print (.+)$/\1print(\2)/' \
       -e "s/open\(csv_path, 'rU'\)/open(csv_path, 'r')/" \
       "$dest/bdm_scholz_model.py2" >"$dest/bdm_scholz_model.py"
echo "edits made to the scratch copy:"
diff "$dest/bdm_scholz_model.py2" "$dest/bdm_scholz_model.py" || true
"$py" -c "import sys; sys.path.insert(0, sys.argv[1]); import bdm_scholz_model" "$dest"
echo "$dest/bdm_scholz_model.py"

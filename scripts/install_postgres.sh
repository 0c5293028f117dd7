#!/usr/bin/env bash
# Debian's PostgreSQL server for the tests marked `postgres` (they start a throwaway cluster themselves).
# Idempotent: does nothing when initdb and pg_ctl are already there. Run as root (apt-get).
set -euo pipefail
find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
if [ -n "$(find_bin)" ] && [ -x "$(find_bin)/initdb" ] && [ -x "$(find_bin)/pg_ctl" ]; then
  echo "PostgreSQL server present: $(find_bin)"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends postgresql
# the package may start a system cluster: the tests do not use it
if command -v pg_lsclusters >/dev/null; then
  pg_lsclusters -h | while read -r version name _; do pg_ctlcluster "$version" "$name" stop || true; done
fi
echo "PostgreSQL server installed: $(find_bin)"

#!/usr/bin/env bash
# Installs everything thuvien needs on a fresh Debian machine: the Debian packages,
# then a virtualenv in .venv with thuvien and its Python dependencies.
#   scripts/install.sh          what `thuvien demo` needs
#   scripts/install.sh --test   plus what the test suite needs
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

# Debian packages, each with the check that tells whether it is already usable.
missing=()
need() { eval "$2" >/dev/null 2>&1 || missing+=("$1"); }
need python3-venv "python3 -m venv --help"
# libvips renders IIIF images (pyvips binds to it); libmagic is needed by iiif-validator.
need libvips42 "/sbin/ldconfig -p | grep -q libvips.so.42"
[ "$want_test" = 1 ] && need libmagic1 "/sbin/ldconfig -p | grep -q libmagic.so.1"
# npm fetches OpenSeadragon, the record pages' deep-zoom viewer, from the npm registry.
need npm "command -v npm"
# The browser the real-browser tests drive (Playwright cannot download its own here).
[ "$want_test" = 1 ] && need chromium "command -v chromium"
# PostgreSQL's server binaries: the store's tests start a throwaway cluster of their own.
[ "$want_test" = 1 ] && need postgresql "compgen -G '/usr/lib/postgresql/*/bin/initdb'"

if [ "${#missing[@]}" -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q "${missing[@]}"
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
extras="."
# The tests run the store on PostgreSQL too, so they need its driver (the postgres extra).
[ "$want_test" = 1 ] && extras=".[test,postgres]"
# Quiet unless it fails; re-runs are quick because pip skips what is installed.
.venv/bin/python -m pip install -q --disable-pip-version-check -e "$extras"

# OpenSeadragon for the scan viewer, served by the portal itself (no CDN). Kept out of
# git (portal/static/viewer/vendor/), fetched once per version with npm's integrity check.
osd_version=5.0.1
osd_dir=portal/static/viewer/vendor/openseadragon
if [ "$(cat "$osd_dir/VERSION" 2>/dev/null)" != "$osd_version" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "openseadragon@$osd_version" >/dev/null)
  tar xzf "$tmp/openseadragon-$osd_version.tgz" -C "$tmp"
  mkdir -p "$osd_dir"
  cp "$tmp/package/build/openseadragon/openseadragon.min.js" "$tmp/package/LICENSE.txt" "$osd_dir/"
  echo "$osd_version" > "$osd_dir/VERSION"
  rm -rf "$tmp"
fi

if [ "$want_test" = 1 ]; then
  # pymarc's own sample MARC files (in its source distribution, not its wheel), for
  # the tests that load them with their known record counts. Kept out of git.
  ver=$(.venv/bin/python -c "import importlib.metadata as m; print(m.version('pymarc'))")
  dest=".cache/pymarc-$ver"
  if [ ! -d "$dest/test" ]; then
    tmp=$(mktemp -d)
    .venv/bin/python -m pip download -q --disable-pip-version-check --no-deps --no-binary :all: \
      "pymarc==$ver" -d "$tmp"
    mkdir -p "$dest"
    tar xzf "$tmp"/pymarc-*.tar.gz -C "$dest" --strip-components=1 "pymarc-$ver/test"
    rm -rf "$tmp"
  fi
fi

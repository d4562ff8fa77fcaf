#!/usr/bin/env bash
# Builds the test app (src/) with one pinned Next.js version into a cache folder, once per version and
# build id, and prints that folder. See README.md ("Building one version").
#
#   apps/next/build.sh VERSION_DIR BUILD_ID [OUT_DIR]
#     VERSION_DIR  v12.2, v13.4 or v14.1 (a folder here holding package.json and package-lock.json)
#     BUILD_ID     the build id: letters, digits, '.', '_', '-'
#     OUT_DIR      default $BLUEGREEN_NEXT_CACHE/VERSION_DIR/BUILD_ID, where BLUEGREEN_NEXT_CACHE
#                  defaults to ${XDG_CACHE_HOME:-$HOME/.cache}/bluegreen/next
#
# Output (OUT_DIR):
#   .next/standalone/server.js             the standalone server: `node server.js` from its folder,
#                                          with .next/static, public/ and bluegreen-preload.js in place
#   node_modules/.bin/next, .next/, ...    the app folder, for `next start`
#   .bluegreen-build                       the stamp: version, build id, hash of src/ and the lock
# A folder whose stamp matches is reused as is. Exit codes: 0 built or reused, 2 usage, 3 no node or
# npm (callers skip what needs a real app), 4 npm ci failed (no registry?), 5 next build failed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

die() {
  local code="$1"
  shift
  echo "build.sh: $*" >&2
  exit "$code"
}

[[ $# -ge 2 && $# -le 3 ]] || die 2 "usage: build.sh VERSION_DIR BUILD_ID [OUT_DIR] (VERSION_DIR: v12.2, v13.4, v14.1)"
version="$1"
build_id="$2"
[[ "$version" =~ ^v[0-9]+\.[0-9]+$ && -f "$here/$version/package-lock.json" ]] ||
  die 2 "no version folder '$version' with a package-lock.json in $here"
[[ "$build_id" =~ ^[A-Za-z0-9._-]+$ ]] || die 2 "build id '$build_id': use letters, digits, '.', '_', '-'"
command -v node >/dev/null 2>&1 || die 3 "node is not installed: the real Next.js app cannot be built"
command -v npm >/dev/null 2>&1 || die 3 "npm is not installed: the real Next.js app cannot be built"

cache="${BLUEGREEN_NEXT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bluegreen/next}"
out="${3:-$cache/$version/$build_id}"

# What the build depends on: the app source, this version's pins, and the build id.
stamp="$(
  cd "$here"
  {
    echo "version=$version build_id=$build_id"
    find src "$version/package.json" "$version/package-lock.json" -type f -print0 | LC_ALL=C sort -z |
      xargs -0 sha256sum
  } | sha256sum | cut -d' ' -f1
)"
if [[ -f "$out/.bluegreen-build" ]] && grep -qx "stamp=$stamp" "$out/.bluegreen-build"; then
  echo "$out"
  exit 0
fi

# node_modules, installed once per lock file and hard-linked into each build.
lock_hash="$(sha256sum "$here/$version/package-lock.json" | cut -c1-16)"
modules="$cache/$version/modules-$lock_hash"
mkdir -p "$cache/$version"
if [[ ! -d "$modules/node_modules" ]]; then
  tmp="$(mktemp -d "$cache/$version/.modules.XXXXXX")"
  cp "$here/$version/package.json" "$here/$version/package-lock.json" "$tmp/"
  (cd "$tmp" && npm ci --ignore-scripts --no-audit --no-fund >&2) ||
    { rm -rf "$tmp"; die 4 "npm ci for $version failed (is the npm registry reachable?)"; }
  if ! mv -T "$tmp" "$modules" 2>/dev/null; then rm -rf "$tmp"; fi # another build installed it first
fi

work="$(mktemp -d "$cache/$version/.build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cp -R "$here/src/." "$work/"
cp "$here/$version/package.json" "$here/$version/package-lock.json" "$work/"
cp -al "$modules/node_modules" "$work/node_modules" 2>/dev/null || cp -R "$modules/node_modules" "$work/node_modules"

(cd "$work" && BLUEGREEN_BUILD_ID="$build_id" NEXT_TELEMETRY_DISABLED=1 node node_modules/next/dist/bin/next build >&2) ||
  die 5 "next build ($version, build id $build_id) failed"

# Next leaves the standalone folder without the client files; the Dockerfile's COPY lines add them
# (scenarios/data/seed/Dockerfile): .next/static and public/. server.js sits at the app's path
# relative to the tracing root, which is the app folder itself here.
standalone="$work/.next/standalone"
[[ -f "$standalone/server.js" ]] || die 5 "no $standalone/server.js: was output: 'standalone' honoured?"
cp -R "$work/.next/static" "$standalone/.next/static"
if [[ -d "$work/public" ]]; then cp -R "$work/public" "$standalone/public"; fi
cp "$work/bluegreen-preload.js" "$standalone/"
[[ "$(cat "$standalone/.next/BUILD_ID")" == "$build_id" ]] || die 5 "the build's BUILD_ID is not '$build_id'"

printf 'version=%s\nbuild_id=%s\nnext=%s\nstamp=%s\n' "$version" "$build_id" \
  "$(cd "$work" && node -p 'require("./node_modules/next/package.json").version' 2>/dev/null || echo '?')" "$stamp" \
  >"$work/.bluegreen-build"
rm -rf "$out"
mkdir -p "$(dirname "$out")"
mv -T "$work" "$out"
trap - EXIT
echo "$out"

#!/usr/bin/env bash
# Installs the Debian packages bluegreen builds and tests with, then (with the optional tools) the real
# Next.js builds of apps/next that `app: {engine: real}` runs. Idempotent: when every package is
# already installed and every build is current it does nothing (no apt-get update, no network).
# Arguments name more packages a caller needs (tools/sanitize.sh: clang's sanitizer runtimes and its
# symbolizer).
set -euo pipefail

packages=(
  g++ cmake ninja-build make pkg-config curl
  musl-tools  # musl-gcc: the shim deploy scripts call links against musl (fakes/shim/shim_main.c)
  libboost-dev libcpp-httplib-dev libfmt-dev libgtest-dev librapidcheck-dev
  libyaml-cpp-dev libcli11-dev nlohmann-json3-dev
  libtcmalloc-minimal4  # the harness's allocator (cmake/allocator.cmake)
  git zip unzip  # the workflow's runner (zip), the CodeDeploy agent's unzip, the run's GitHub repository (git)
  dpkg-dev  # dpkg-shlibdeps, for the .deb's library dependencies (cmake/install.cmake)
)
# Tools the suite uses when present (their tests skip with a message otherwise): real nginx for
# differential runs, clang for the fuzzers, Chromium to render the HTML report, wget for the
# differential test of the harness's own wget (fakes/shim/http_client_emulation_test.cc).
if [[ "${BLUEGREEN_SETUP_OPTIONAL:-1}" == 1 ]]; then
  packages+=(nginx-light clang chromium wget)
fi
packages+=("$@")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
install_missing() {
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  if [[ $(id -u) != 0 ]]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  # policy-rc.d keeps Debian's nginx package from starting a system service on install.
  export DEBIAN_FRONTEND=noninteractive
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod +x /usr/sbin/policy-rc.d
    trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
if ((${#missing[@]} > 0)); then install_missing; fi

# The real Next.js app (apps/next), one template build per pinned version, cached under
# ${BLUEGREEN_NEXT_CACHE:-~/.cache/bluegreen/next}: npm fetches the locked packages the first time,
# then a build whose sources did not change is reused. Without node and npm, or without the npm
# registry, the tests that need a real app skip and say so; setup goes on.
build_real_next() {
  local here version out code log
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  log="$(mktemp)"
  for version in v12.2 v13.4 v14.1; do
    code=0
    out="$("$here/apps/next/build.sh" "$version" bluegreen-template-id 2>"$log")" || code=$?
    case $code in
      0) ;;
      3) echo "setup: $(tail -n1 "$log"): the real-app tests will skip" >&2; break ;;
      *) echo "setup: the real Next.js build $version failed (exit $code), the real-app tests will skip:" >&2
         tail -n 15 "$log" >&2 ;;
    esac
    if [[ $code == 0 && -s "$log" ]]; then echo "setup: built the real Next.js $version in $out" >&2; fi
  done
  rm -f "$log"
}
if [[ "${BLUEGREEN_SETUP_OPTIONAL:-1}" == 1 ]]; then build_real_next; fi

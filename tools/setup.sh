#!/usr/bin/env bash
# Installs the Debian packages bluegreen builds and tests with. Idempotent: when every package is
# already installed it does nothing (no apt-get update, no network). Arguments name more packages a
# caller needs (tools/sanitize.sh: clang's sanitizer runtimes and its symbolizer).
set -euo pipefail

packages=(
  g++ cmake ninja-build make pkg-config curl
  libboost-dev libcpp-httplib-dev libfmt-dev libgtest-dev librapidcheck-dev
  libyaml-cpp-dev libcli11-dev nlohmann-json3-dev
  git zip unzip  # the workflow's runner (zip), the CodeDeploy agent's unzip, the run's GitHub repository (git)
  dpkg-dev  # dpkg-shlibdeps, for the .deb's library dependencies (cmake/install.cmake)
)
# Tools the suite uses when present (their tests skip with a message otherwise): real nginx for
# differential runs, clang for the fuzzers, Chromium to render the HTML report.
if [[ "${BLUEGREEN_SETUP_OPTIONAL:-1}" == 1 ]]; then
  packages+=(nginx-light clang chromium)
fi
packages+=("$@")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

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

#!/usr/bin/env bash
# Lays out every tracked .c, .cc and .h file by .clang-format. With --check it changes nothing and fails,
# naming the files, when one is not laid out so (CI's step; tools/setup.sh installs clang-format).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v clang-format >/dev/null; then
  echo "format: clang-format is not installed (tools/setup.sh clang-format installs it)" >&2
  exit 2
fi
# The tracked sources; outside a git checkout (an exported tree), every source but the build folders.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.c' '*.cc' '*.h')
else
  mapfile -t files < <(find . \( -name 'build*' -o -name '.git' \) -prune -o \( -name '*.c' -o -name '*.cc' -o -name '*.h' \) -print | sed 's|^\./||' | sort)
fi
if [[ "${1:-}" == "--check" ]]; then
  unformatted=()
  for f in "${files[@]}"; do
    clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || unformatted+=("$f")
  done
  if ((${#unformatted[@]})); then
    echo "format: ${#unformatted[@]} of ${#files[@]} files are not laid out as .clang-format says; tools/format.sh fixes them:" >&2
    printf '  %s\n' "${unformatted[@]}" >&2
    exit 1
  fi
  echo "format: all ${#files[@]} files are laid out as .clang-format says"
  exit 0
fi
clang-format -i "${files[@]}"

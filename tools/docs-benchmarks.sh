#!/usr/bin/env bash
# Assembles docs/benchmarks.md from each package's benchmark page (docs/benchmarks-*.md).
set -euo pipefail
cd "$(dirname "$0")/.."
{
  echo "# Benchmarks"
  echo
  echo "Every figure with the command that produces it. This page is assembled by"
  echo "\`bash tools/docs-benchmarks.sh\` from the per-package pages below; edit those."
  echo "Timings on a shared 2-core machine are noisy: compare ratios within one run."
  echo
  for f in docs/benchmarks-*.md; do echo "- [$(head -1 "$f" | sed 's/^# //')]($(basename "$f"))"; done
  for f in docs/benchmarks-*.md; do echo; sed 's/^#/##/' "$f"; done
} > docs/benchmarks.md

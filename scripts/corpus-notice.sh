#!/usr/bin/env bash
# One line before the suites run: where the public corpus was found, or where to put it. Under CI=true a
# missing corpus fails the run (the tests that need it run and fail); elsewhere they are skipped.
cd "$(dirname "$0")/.."
corpus="${HFA_CORPUS:-../shared/corpus/files}"
if [ -f "$corpus/ocrmypdf_vector.pdf" ]; then
  echo "==> public corpus: $corpus"
elif [ "${CI:-}" = "true" ]; then
  echo "==> public corpus missing at $corpus; CI=true requires it (put it at ../shared/corpus or set HFA_CORPUS)" >&2
else
  echo "==> public corpus not found: tests that need it are skipped (put it at ../shared/corpus beside the checkout, or set HFA_CORPUS to its files folder)"
fi

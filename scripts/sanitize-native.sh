#!/usr/bin/env bash
# Builds the native addon with AddressSanitizer and UBSan in a scratch copy of
# this checkout and runs the tests that exercise it (bad arguments included).
# Usage: bash scripts/sanitize-native.sh   (needs gcc's libasan and libubsan)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git -C "$root" ls-files -z | (cd "$root" && xargs -0 cp --parents -t "$work")
cp -r "$root/node_modules" "$work/"
cd "$work"
node -e '
  const fs = require("fs");
  const gyp = fs.readFileSync("binding.gyp", "utf8")
    .replace("\"cflags\": [\"-O3\",", "\"cflags\": [\"-O1\", \"-g\", \"-fsanitize=address,undefined\", \"-fno-omit-frame-pointer\", \"-fno-sanitize-recover=undefined\",")
    .replace("\"ldflags\": [\"-pthread\"]", "\"ldflags\": [\"-pthread\", \"-fsanitize=address,undefined\"]");
  fs.writeFileSync("binding.gyp", gyp);'
npm run install >/dev/null
grep -qx ok build/native-status.txt || { echo "sanitized build failed"; exit 1; }
npx tsc -p tsconfig.json
export ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
LD_PRELOAD="$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libubsan.so)" \
  node --expose-gc --test dist/test/native-*.test.js dist/test/ops-golden.test.js \
  dist/test/conv-speed-equivalence.test.js dist/test/max-pool2d.test.js dist/test/pool-ceil-mode.test.js dist/test/pad.test.js \
  dist/test/nn-layers.test.js dist/test/inplace-direct.test.js \
  dist/test/train-digits.test.js dist/test/index-speed-kernels.test.js dist/test/index-speed.test.js dist/test/gemm-shapes.test.js \
  dist/test/gemm-mlp-products.test.js dist/test/gemm-mlp-conv.test.js \
  dist/test/index-native-*.test.js dist/test/nn-grid-sample.test.js \
  dist/test/conv3d.test.js dist/test/pool3d.test.js dist/test/interpolate-3d.test.js dist/test/adaptive-pool3d-kernels.test.js dist/test/ctc-kernel.test.js \
  dist/test/conv3d-direct.test.js dist/test/fused-activations.test.js dist/test/select-kernels.test.js dist/test/layer-norm.test.js dist/test/batch-norm.test.js dist/test/elementwise-fastpaths.test.js dist/test/softmax-backward.test.js

{
  # torchlet's native backend: a Node-API addon in C (see native/), plus one
  # C++ file (alloc.cc: the caching allocator needs V8's backing-store API).
  # Built where it runs, so -march=native is safe. No -ffast-math: the
  # kernels must keep NaN/Inf semantics; -ffp-contract=off keeps elementwise
  # results equal to JS doubles (the GEMM uses explicit FMA instead).
  "targets": [
    {
      "target_name": "torchlet_native",
      "sources": [
        "native/addon.c",
        "native/advindex.c",
        "native/alloc.cc",
        "native/args.c",
        "native/conv.c",
        "native/conv2d.c",
        "native/dots.c",
        "native/elementwise.c",
        "native/gather-rows.c",
        "native/gemm.c",
        "native/grid-sample.c",
        "native/grid-sample-backward.c",
        "native/index.c",
        "native/iter.c",
        "native/maxpool.c",
        "native/nonzero.c",
        "native/optim.c",
        "native/pool.c",
        "native/reduce.c",
        "native/scratch.c",
        "native/vmath.c",
        "native/masked-fill.c",
        "native/index-offsets.c",
        "native/fractional-max-pool.c",
        "native/vol3d.c",
        "native/maxpool3d.c",
        "native/upsample3d.c",
        "native/adaptive-pool3d.c",
        "native/max-unpool3d.c",
        "native/ctc.c",
        "native/avg-pool3d.c",
        "native/conv3d-direct.c",
        "native/random.c",
        "native/box-muller.c",
        "native/activations.c",
        "native/layer-norm.c",
        "native/batch-norm.c",
        "native/float-arrays.c",
        "native/softmax-backward.c",
        "native/sort.c",
        "native/scan.c"
      ],
      "defines": ["NAPI_VERSION=8"],
      "cflags_c": ["-std=gnu11"],
      "cflags_cc": ["-std=gnu++17"],
      "cflags": ["-O3", "-march=native", "-fno-math-errno", "-ffp-contract=off", "-pthread", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Wno-psabi"],
      "cflags!": ["-O2", "-O0", "-fno-tree-vectorize"],
      "ldflags": ["-pthread"],
      "libraries": ["-lm"],
      "xcode_settings": {
        "OTHER_CFLAGS": ["-std=gnu11", "-O3", "-march=native", "-fno-math-errno", "-ffp-contract=off"],
        "OTHER_CPLUSPLUSFLAGS": ["-std=gnu++17", "-O3", "-march=native", "-fno-math-errno", "-ffp-contract=off"]
      }
    }
  ]
}

{
  # Native float32 kernels for the tfjs `cpu` backend (workers/kernels/index.ts loads the result,
  # native/build/Release/rlhf_kernels.node). Needs only g++ and make; matrix products use OpenBLAS
  # when scripts/build-native.mjs found its headers (RLHF_NATIVE_OPENBLAS=1, Debian: libopenblas-dev)
  # and our own GEMM (src/gemm.cc) otherwise.
  # RLHF_NATIVE_MARCH overrides -march=native when the build must run on other CPUs (e.g. x86-64-v2);
  # the GEMM's AVX2/AVX-512 micro-kernels are chosen at run time either way.
  "variables": {
    "rlhf_openblas": "<!(node -p \"process.env.RLHF_NATIVE_OPENBLAS === '0' ? 0 : 1\")"
  },
  "targets": [
    {
      "target_name": "rlhf_kernels",
      "sources": ["src/addon.cc", "src/kernels.cc", "src/fused.cc", "src/gemm.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": [
        "-std=c++17", "-O3", "-fno-math-errno", "-fopenmp-simd",
        "-march=<!(node -p \"process.env.RLHF_NATIVE_MARCH || 'native'\")"
      ],
      "conditions": [
        ["rlhf_openblas==1", {
          "defines": ["RK_HAVE_OPENBLAS"],
          "libraries": ["-lopenblas"]
        }]
      ]
    }
  ]
}

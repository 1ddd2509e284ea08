{
  # Native float32 kernels for the tfjs `cpu` backend (workers/kernels/index.ts loads the result,
  # native/build/Release/rlhf_kernels.node). Needs g++ and OpenBLAS (Debian: libopenblas-dev).
  # RLHF_NATIVE_MARCH overrides -march=native when the build must run on other CPUs (e.g. x86-64-v2).
  "targets": [
    {
      "target_name": "rlhf_kernels",
      "sources": ["src/addon.cc", "src/kernels.cc", "src/fused.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": [
        "-std=c++17", "-O3", "-fno-math-errno", "-fopenmp-simd",
        "-march=<!(node -p \"process.env.RLHF_NATIVE_MARCH || 'native'\")"
      ],
      "libraries": ["-lopenblas"]
    }
  ]
}

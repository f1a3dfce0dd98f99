{
  "targets": [
    {
      "target_name": "strata_native",
      "sources": [
        "src/binding.cc",
        "src/elementwise.cc",
        "src/movement.cc",
        "src/reduce.cc",
        "src/softmax.cc",
        "src/bias-relu.cc",
        "src/matmul.cc",
        "src/conv.cc",
        "src/pool.cc",
        "src/optimizer.cc",
        "src/conv-tiled.cc",
        "src/tile-gemm.cc",
        "src/lstm.cc",
        "src/gru.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "/usr/include/x86_64-linux-gnu/openblas-pthread",
        "/usr/include/openblas",
        "/opt/homebrew/opt/openblas/include",
        "/usr/local/opt/openblas/include"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags": ["-O3"],
      "cflags_cc": ["-std=gnu++17", "-fno-math-errno", "-fno-trapping-math", "-ffp-contract=off", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "libraries": ["-lopenblas", "-lpthread"],
      "xcode_settings": {
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "GCC_OPTIMIZATION_LEVEL": "3",
        "OTHER_CPLUSPLUSFLAGS": ["-fno-math-errno", "-fno-trapping-math", "-ffp-contract=off"],
        "OTHER_LDFLAGS": ["-L/opt/homebrew/opt/openblas/lib", "-L/usr/local/opt/openblas/lib"]
      }
    }
  ]
}

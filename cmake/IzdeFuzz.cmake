# The fuzz build (fuzz/): every target, C and C++, gets libFuzzer's coverage instrumentation
# and ASan + UBSan, so that the fuzzers see and check the library's code; only the fuzz
# targets link libFuzzer itself (fuzz/CMakeLists.txt). libFuzzer comes with clang, so both
# compilers must be clang (the Xapian wrapper too: its coverage guides the query fuzzers).
if(IZDE_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID STREQUAL "Clang" OR NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "IZDE_FUZZ=ON needs clang for C and C++ (Debian: clang-14 and "
                        "libclang-rt-14-dev): -DCMAKE_C_COMPILER=clang-14 "
                        "-DCMAKE_CXX_COMPILER=clang++-14")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

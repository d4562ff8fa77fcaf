# BG_SANITIZE builds everything with sanitizers: `address,undefined` (ASan + UBSan, LSan included)
# or `thread` (TSan). Empty (the default) is the normal build. g++ and clang++ both take it; the
# presets (CMakePresets.json: asan, tsan) and .ci/run use clang 14: libFuzzer is clang's, so the
# ASan+UBSan build doubles as the fuzzing build, and clang's -fsanitize=undefined also checks
# float-to-integer conversions (g++'s leaves float-cast-overflow out), which the parsers of numbers do.
set(BG_SANITIZE "" CACHE STRING "sanitizers: address,undefined | thread | empty for none")
if(NOT BG_SANITIZE)
  return()
endif()

if(BG_SANITIZE MATCHES "thread" AND BG_SANITIZE MATCHES "address")
  message(FATAL_ERROR "BG_SANITIZE: thread cannot be combined with address (one runtime per process)")
endif()
message(STATUS "bluegreen: building with -fsanitize=${BG_SANITIZE}")

# -O1 keeps the sanitized suite fast enough for CI while reports keep usable stacks; line tables
# alone (not full debug info) halve the compile time and still give file:line in every report. These
# come after CMAKE_BUILD_TYPE's flags on the command line, so they win over its -O2 -g.
# UB is fatal (-fno-sanitize-recover) so a report fails the test that caused it, not just its log.
add_compile_options(-fsanitize=${BG_SANITIZE} -fno-omit-frame-pointer -O1)
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  add_compile_options(-gline-tables-only)
else()
  add_compile_options(-g1)
endif()
if(BG_SANITIZE MATCHES "undefined")
  add_compile_options(-fno-sanitize-recover=undefined)
endif()
if(BG_SANITIZE MATCHES "thread" AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # g++ 12 warns that TSan does not model std::atomic_thread_fence, which Asio's std_fenced_block
  # uses around handler invocation; Asio's own mutexes order those handlers, which TSan does see.
  add_compile_options(-Wno-tsan)
endif()
add_link_options(-fsanitize=${BG_SANITIZE})

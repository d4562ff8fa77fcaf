# BG_FUZZ builds the libFuzzer targets (proxy/fuzz/, fuzz/) and their ctest entries (label `fuzz`).
# libFuzzer is clang's, so it needs CMAKE_CXX_COMPILER=clang++; .ci/run turns it on in its clang
# ASan+UBSan build, so every fuzz input runs under both sanitizers without a build of its own.
# Every object gets -fsanitize=fuzzer-no-link: the parsers live in the bg_* libraries, and libFuzzer
# is guided by their coverage. Fuzzers link the same libraries as the CLI, so a parser split into new
# files by its owner keeps its fuzzer building.
option(BG_FUZZ "build the libFuzzer targets (needs clang)" OFF)
if(BG_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "BG_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# bg_add_fuzzer(<name> SOURCES <files> LIBS <libraries> CORPUS <folder>): one libFuzzer executable
# and a ctest entry that runs it briefly over its committed seed corpus and fails on any finding.
# BG_FUZZ_RUNS / BG_FUZZ_SECONDS bound that run (whichever comes first).
set(BG_FUZZ_RUNS 200000 CACHE STRING "executions per fuzzer in its ctest entry")
set(BG_FUZZ_SECONDS 20 CACHE STRING "seconds per fuzzer in its ctest entry")
function(bg_add_fuzzer name)
  if(NOT BG_FUZZ)
    return()
  endif()
  cmake_parse_arguments(F "" "CORPUS" "SOURCES;LIBS" ${ARGN})
  foreach(lib IN LISTS F_LIBS)
    if(NOT TARGET ${lib})
      return()  # its folder is not among BG_COMPONENTS
    endif()
  endforeach()
  add_executable(${name} ${F_SOURCES})
  target_link_libraries(${name} PRIVATE ${F_LIBS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  # New inputs go to a scratch folder in the build, never into the committed corpus; -timeout makes
  # an input that runs over 5 s a finding (a hang), -rss_limit_mb one that takes over 2 GB.
  set(scratch ${CMAKE_CURRENT_BINARY_DIR}/${name}_scratch)
  add_test(NAME ${name}
           COMMAND sh -c "mkdir -p '${scratch}' && exec \"$0\" -runs=${BG_FUZZ_RUNS} -max_total_time=${BG_FUZZ_SECONDS} -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix='${scratch}/' '${scratch}' '${F_CORPUS}'"
                   $<TARGET_FILE:${name}>)
  set_tests_properties(${name} PROPERTIES LABELS fuzz TIMEOUT 300)
endfunction()

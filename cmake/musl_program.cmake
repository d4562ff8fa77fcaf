# bg_add_musl_program(<target> OUTPUT <path> SOURCES <.c files> [HEADERS <headers>]): a small C
# program linked statically against musl, for the programs a run starts by the hundred (the shim,
# the process relay): glibc's start-up alone probes the CPU's caches with cpuid, which a VM traps, and
# cost most of such a program's time (docs/engines.md). Built with musl-gcc (tools/setup.sh installs
# musl-tools) by a command of its own, outside the project's compilers and flags: the same
# unsanitized program in every build, as the sanitizers' runtimes cannot link against musl.
find_program(BG_MUSL_GCC musl-gcc)
if(NOT BG_MUSL_GCC)
  message(FATAL_ERROR "musl-gcc not found: bluegreen's helper programs are built against musl; tools/setup.sh installs musl-tools")
endif()

function(bg_add_musl_program target)
  cmake_parse_arguments(M "" "OUTPUT" "SOURCES;HEADERS" ${ARGN})
  set(flags -std=c11 -O2 -g -Wall -Wextra -Wconversion -Wno-sign-conversion -static)
  if(BG_WERROR)
    list(APPEND flags -Werror)
  endif()
  set(sources)
  foreach(source ${M_SOURCES})
    list(APPEND sources ${CMAKE_CURRENT_SOURCE_DIR}/${source})
  endforeach()
  add_custom_command(OUTPUT ${M_OUTPUT}
    COMMAND ${BG_MUSL_GCC} ${flags} -I${PROJECT_SOURCE_DIR} -o ${M_OUTPUT} ${sources}
    DEPENDS ${sources} ${M_HEADERS}
    COMMENT "Building ${target} against musl: ${M_OUTPUT}"
    VERBATIM)
  add_custom_target(${target} ALL DEPENDS ${M_OUTPUT})
endfunction()

# The harness's allocator: tcmalloc (gperftools' minimal build, Debian's libtcmalloc-minimal4).
# A sim run allocates for every segment, handler, timer and event: with glibc's malloc, allocation
# was about a seventh of a sim run's CPU, and tcmalloc's per-thread caches made the seed's sim run
# 10% faster (bg_engine_bench, same build preloaded with each allocator). Linked by full name: the
# runtime package has no unversioned .so, and the -dev package would pull libunwind-dev, which
# conflicts with clang's. Not in sanitized builds: ASan and TSan bring their own allocator.
function(bg_use_fast_allocator target)
  if(BG_SANITIZE)
    return()
  endif()
  find_library(BG_TCMALLOC_LIBRARY NAMES tcmalloc_minimal libtcmalloc_minimal.so.4)
  if(NOT BG_TCMALLOC_LIBRARY)
    message(FATAL_ERROR "libtcmalloc_minimal.so.4 not found: run tools/setup.sh (package libtcmalloc-minimal4)")
  endif()
  # --no-as-needed: nothing calls into it by name; it replaces malloc for the whole process.
  target_link_libraries(${target} PRIVATE "-Wl,--push-state,--no-as-needed" ${BG_TCMALLOC_LIBRARY}
                                          "-Wl,--pop-state")
endfunction()

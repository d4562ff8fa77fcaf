# The .deb end to end: cpack builds it from this build, it is unpacked into an empty folder (what
# `dpkg -i` would put under /, without touching the machine), and the unpacked bluegreen runs the
# demo from the package's own catalogue. Exit 0 means seed VIOLATED and seed-fixed HELD, as their
# scenario files expect. Also `cmake --install` into a prefix gives a working --version.
# Arguments: BUILD (the build folder), OUT (a folder of this test's own).
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})

execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD} --prefix ${OUT}/prefix
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 300)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "cmake --install exited ${code}:\n${out}\n${err}")
endif()
foreach(installed bin/bluegreen libexec/bluegreen/bluegreen-shim libexec/bluegreen/bluegreen-host libexec/bluegreen/bluegreen-relay
                  share/bluegreen/proxy/data/debian-12/etc/nginx/nginx.conf share/bluegreen/scenarios/seed/scenario.yaml)
  if(NOT EXISTS ${OUT}/prefix/${installed})
    message(FATAL_ERROR "cmake --install did not install ${installed}")
  endif()
endforeach()

execute_process(COMMAND cpack -G DEB --config ${BUILD}/CPackConfig.cmake -B ${OUT}/package
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 600)
file(GLOB debs ${OUT}/package/*.deb)
list(LENGTH debs count)
if(NOT code EQUAL 0 OR NOT count EQUAL 1)
  message(FATAL_ERROR "cpack -G DEB exited ${code} with ${count} packages:\n${out}\n${err}")
endif()
execute_process(COMMAND dpkg-deb --field ${debs} Package Version Depends
                RESULT_VARIABLE code OUTPUT_VARIABLE fields ERROR_VARIABLE err)
# The library dependencies dpkg-shlibdeps found: yaml-cpp, libstdc++ and the allocator at least
# (cmake/allocator.cmake: the CLI runs on tcmalloc).
if(NOT code EQUAL 0 OR NOT fields MATCHES "Package: bluegreen" OR NOT fields MATCHES "libyaml-cpp"
   OR NOT fields MATCHES "libstdc\\+\\+" OR NOT fields MATCHES "libtcmalloc-minimal4")
  message(FATAL_ERROR "the package's fields are not what was built:\n${fields}\n${err}")
endif()
execute_process(COMMAND dpkg-deb -x ${debs} ${OUT}/root RESULT_VARIABLE code ERROR_VARIABLE err)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "dpkg-deb -x exited ${code}: ${err}")
endif()

set(cli ${OUT}/root/usr/bin/bluegreen)
execute_process(COMMAND ${cli} --version RESULT_VARIABLE code OUTPUT_VARIABLE version)
if(NOT code EQUAL 0 OR NOT version MATCHES "^bluegreen [0-9]+\\.[0-9]+\\.[0-9]+ \\(commit ")
  message(FATAL_ERROR "the packaged bluegreen --version exited ${code}: ${version}")
endif()

set(catalogue ${OUT}/root/usr/share/bluegreen/scenarios)
execute_process(COMMAND ${cli} demo ${catalogue}/seed ${catalogue}/seed-fixed --out ${OUT}/demo
                WORKING_DIRECTORY ${OUT}
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 600)
if(NOT code EQUAL 0 OR NOT out MATCHES "VIOLATED" OR NOT out MATCHES "HELD")
  message(FATAL_ERROR "the packaged demo exited ${code}, expected 0 with seed VIOLATED and seed-fixed HELD:\n${out}\n${err}")
endif()
file(REMOVE_RECURSE ${OUT})

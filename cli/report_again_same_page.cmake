# A run's HTML report charts the history the run kept as it was appended; `bluegreen report` charts
# the same history read back from its saved history.jsonl. The two pages must be byte for byte the
# same, but for the "Reproduce" section: a saved result.json does not carry the run's wall time or
# drawn parameters, so `bluegreen report` cannot print them.
# Usage: cmake -DCLI=bluegreen -DRUN=<a run's --out folder> -DOUT=<folder> -P report_again_same_page.cmake
cmake_minimum_required(VERSION 3.20)
file(REMOVE_RECURSE ${OUT})
execute_process(COMMAND ${CLI} report ${RUN}/result.json --out ${OUT}
                RESULT_VARIABLE code OUTPUT_QUIET ERROR_VARIABLE err TIMEOUT 120)
if(NOT EXISTS ${OUT}/report.html)
  message(FATAL_ERROR "bluegreen report wrote no report.html (exit ${code}): ${err}")
endif()
function(page_without_replay file out_var)
  file(READ ${file} page)
  string(REGEX REPLACE "<section id=\"replay\">.*</section>\n<footer>" "<footer>" page "${page}")
  set(${out_var} "${page}" PARENT_SCOPE)
endfunction()
page_without_replay(${RUN}/report.html streamed)
page_without_replay(${OUT}/report.html reread)
string(LENGTH "${streamed}" length)
if(length LESS 1000 OR streamed MATCHES "<section id=\"replay\">")
  message(FATAL_ERROR "${RUN}/report.html is not a whole report (${length} characters, or no replay section)")
endif()
if(NOT streamed STREQUAL reread)
  file(WRITE ${OUT}/streamed.html "${streamed}")
  file(WRITE ${OUT}/reread.html "${reread}")
  message(FATAL_ERROR "the run's report.html and `bluegreen report`'s differ: compare ${OUT}/streamed.html and "
                      "${OUT}/reread.html")
endif()
message(STATUS "${length} characters, byte for byte the same")

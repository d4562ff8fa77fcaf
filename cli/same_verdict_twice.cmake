# Runs `bluegreen run scenarios/data/seed --seed 7` twice and checks both give the same verdict
# (exit code and result.json's verdict), which must be the scenario's expected one.
foreach(i 1 2)
  execute_process(COMMAND ${CLI} run ${SRC}/scenarios/data/seed --seed 7 --quiet --out ${OUT}/run${i}
                  RESULT_VARIABLE code${i} OUTPUT_QUIET ERROR_VARIABLE err${i} TIMEOUT 300)
  file(READ ${OUT}/run${i}/result.json json${i})
  string(JSON verdict${i} GET "${json${i}}" verdict)
  string(JSON failed${i} GET "${json${i}}" requests failed)
  message(STATUS "run ${i}: exit ${code${i}}, verdict ${verdict${i}}, ${failed${i}} failed requests")
endforeach()
if(NOT code1 EQUAL code2 OR NOT verdict1 STREQUAL verdict2)
  message(FATAL_ERROR "seed 7 gave different verdicts: ${verdict1} (exit ${code1}) then ${verdict2} (exit ${code2})")
endif()
if(NOT verdict1 STREQUAL "violated" OR NOT code1 EQUAL 1)
  message(FATAL_ERROR "seed 7 must be VIOLATED (exit 1), got ${verdict1} (exit ${code1}): ${err1}")
endif()

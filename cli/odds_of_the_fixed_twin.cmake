# `bluegreen odds scenarios/data/seed-fixed --runs 2`: both seeds are run and judged, none violates,
# so the command exits 0 and odds.json says 2 judged, 0 violating, with an interval whose upper
# bound is above 0 (0 of 2 is not "never").
file(REMOVE_RECURSE ${OUT})
execute_process(COMMAND ${CLI} odds ${SRC}/scenarios/data/seed-fixed --runs 2 --first-seed 3 --out ${OUT} -q
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 300)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "odds of seed-fixed exited ${code}, expected 0:\n${out}\n${err}")
endif()
file(READ ${OUT}/odds.json json)
string(JSON runs GET "${json}" runs)
string(JSON judged GET "${json}" judged)
string(JSON violating GET "${json}" violating)
string(JSON high GET "${json}" interval high)
if(NOT runs EQUAL 2 OR NOT judged EQUAL 2 OR NOT violating EQUAL 0 OR NOT high GREATER 0.5)
  message(FATAL_ERROR "odds.json: runs ${runs}, judged ${judged}, violating ${violating}, interval high ${high}; "
                      "expected 2, 2, 0 and above 0.5 (0 of 2 at 95 %: 0-66 %)\n${out}")
endif()
if(NOT out MATCHES "violating runs: 0 of 2 \\(0 %, 95 % interval 0-66 %\\)")
  message(FATAL_ERROR "the printed odds lack the line for 0 of 2:\n${out}")
endif()

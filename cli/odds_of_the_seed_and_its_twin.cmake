# `bluegreen odds` end to end, on the seed at a 3 s start and on its fixed twin, the two distributions
# a reader of the docs compares (README, "The odds of a race"):
#  - the seed: the start (3 s) is shorter than the script's `sleep 10`, yet nginx's once-per-
#    fail_timeout probe finds the new color still starting on some swaps, so some runs violate; the
#    command exits 1 and prints the share of violating runs with its interval;
#  - seed-fixed: no run violates; it exits 0 and prints "0 of N" with an interval whose upper bound is
#    above 0 (0 of N is not "never").
# -DCLI=bluegreen -DSRC=<source folder> -DOUT=<folder> -DENGINE=sim|live -DRUNS=<runs per scenario>
file(REMOVE_RECURSE ${OUT})

# odds_of(<scenario> <expected exit code> <out_var prefix> [--set ...]): runs it, reads odds.json.
function(odds_of name expected prefix)
  execute_process(COMMAND ${CLI} odds ${SRC}/scenarios/data/${name} --engine ${ENGINE} --runs ${RUNS} --first-seed 3
                          --out ${OUT}/${name} -q ${ARGN}
                  RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 600)
  message("${out}")
  if(NOT code EQUAL expected)
    message(FATAL_ERROR "odds of ${name} exited ${code}, expected ${expected}:\n${out}\n${err}")
  endif()
  file(READ ${OUT}/${name}/odds.json json)
  # odds.html gives the same headline share as odds.json.
  file(READ ${OUT}/${name}/odds.html html)
  string(JSON violating GET "${json}" violating)
  string(JSON judged GET "${json}" judged)
  math(EXPR headline "(200 * ${violating} + ${judged}) / (2 * ${judged})")  # rounded to a whole percent
  if(NOT html MATCHES "id=\"odds-headline\">${headline} %<")
    message(FATAL_ERROR "odds.html of ${name} does not give ${headline} % (${violating} of ${judged}) as its headline")
  endif()
  foreach(field IN ITEMS runs judged violating)
    string(JSON value GET "${json}" ${field})
    set(${prefix}_${field} ${value} PARENT_SCOPE)
  endforeach()
  string(JSON low GET "${json}" interval low)
  string(JSON high GET "${json}" interval high)
  set(${prefix}_low ${low} PARENT_SCOPE)
  set(${prefix}_high ${high} PARENT_SCOPE)
  set(${prefix}_out "${out}" PARENT_SCOPE)
endfunction()

odds_of(seed 1 seed --set app.listen_delay=3s)
if(NOT seed_runs EQUAL RUNS OR NOT seed_judged EQUAL RUNS OR seed_violating LESS 1)
  message(FATAL_ERROR "odds of the seed at a 3 s start: runs ${seed_runs}, judged ${seed_judged}, violating "
                      "${seed_violating}; expected ${RUNS}, ${RUNS} and at least 1")
endif()
if(NOT seed_out MATCHES "violating runs: ${seed_violating} of ${RUNS} \\([0-9]+ %, 95 % interval [0-9]+-[0-9]+ %\\)")
  message(FATAL_ERROR "the printed odds of the seed lack the line for ${seed_violating} of ${RUNS}")
endif()
if(NOT seed_out MATCHES "swap 1 +lost requests in [0-9]+ of ${RUNS}")
  message(FATAL_ERROR "the printed odds of the seed lack a line per swap")
endif()

odds_of(seed-fixed 0 fixed)
if(NOT fixed_runs EQUAL RUNS OR NOT fixed_judged EQUAL RUNS OR NOT fixed_violating EQUAL 0 OR fixed_high LESS_EQUAL 0
   OR NOT fixed_low EQUAL 0)
  message(FATAL_ERROR "odds of seed-fixed: runs ${fixed_runs}, judged ${fixed_judged}, violating ${fixed_violating}, "
                      "interval ${fixed_low}-${fixed_high}; expected ${RUNS}, ${RUNS}, 0 and 0 to above 0")
endif()
if(NOT fixed_out MATCHES "violating runs: 0 of ${RUNS} \\(0 %, 95 % interval 0-[1-9][0-9]* %\\)")
  message(FATAL_ERROR "the printed odds of seed-fixed lack the line for 0 of ${RUNS}")
endif()

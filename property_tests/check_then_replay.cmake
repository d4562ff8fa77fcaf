# `bluegreen check scenarios/data/seed` must find a violation, shrink it and print one replay line.
# check explores on the sim engine by default, and its replay line says so: one replay of that line
# must then be the minimal case exactly (the same invariants broken, the same requests lost, the same
# outage). (Before, check explored live at time scale 0.05, and on a busy CI machine its cases at the
# race's edge violated where three replays of its line held.) That check on every core prints what
# it prints one case at a time: check_later_violation.cmake, without this check's live confirming
# rerun, whose outcome is the machine's to decide and would differ between the two checks now and
# then. Writes under ${OUT}.
cmake_minimum_required(VERSION 3.20)   # if(IN_LIST), string(JSON)
file(REMOVE_RECURSE ${OUT})
string(TIMESTAMP started "%s")
execute_process(COMMAND ${CLI} check ${SRC}/scenarios/data/seed --seed ${CHECK_SEED} --keep --out ${OUT}/check
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 400)
string(TIMESTAMP finished "%s")
math(EXPR took "${finished} - ${started}")
message(STATUS "bluegreen check took ${took}s, exit ${code}:\n${out}")
if(NOT code EQUAL 1)
  message(FATAL_ERROR "bluegreen check must exit 1 (a violation found), got ${code}: ${err}")
endif()
file(READ ${OUT}/check/result.json json)
string(JSON found_verdict GET "${json}" verdict)
if(NOT found_verdict STREQUAL "violated")
  message(FATAL_ERROR "the minimal case's result.json says ${found_verdict}, not violated")
endif()

# The violated invariants of a result.json, in the result's own order: the first is the one the check
# promises a replay breaks again (explore's same_violation). Not sorted: sorted, a timing-dependent
# `liveness_after_swap` came first and a replay that broke only the others failed this test.
function(violated json out_var)
  string(JSON n LENGTH "${json}" invariants)
  set(names "")
  math(EXPR last "${n} - 1")
  foreach(i RANGE ${last})
    string(JSON held GET "${json}" invariants ${i} held)
    if(NOT held)
      string(JSON name GET "${json}" invariants ${i} name)
      list(APPEND names ${name})
    endif()
  endforeach()
  set(${out_var} "${names}" PARENT_SCOPE)
endfunction()
violated("${json}" found_invariants)

string(REGEX MATCH "replay: bluegreen replay [^\n]*" line "${out}")
if(NOT line)
  message(FATAL_ERROR "bluegreen check printed no replay line")
endif()
string(REPLACE "replay: bluegreen " "" args "${line}")
separate_arguments(args UNIX_COMMAND "${args}")
list(GET args 1 dir)
if(NOT EXISTS ${dir})
  message(FATAL_ERROR "the replay line names ${dir}, which does not exist")
endif()
if(NOT line MATCHES " --engine sim")
  message(FATAL_ERROR "check's default engine is sim, but its replay line does not say so: ${line}")
endif()
# The deterministic engine: the replay is the case as found, or the replay line is not a replay.
execute_process(COMMAND ${CLI} ${args} --quiet --out ${OUT}/replay
                RESULT_VARIABLE replay_code OUTPUT_VARIABLE replay_out ERROR_VARIABLE replay_err TIMEOUT 300)
if(NOT EXISTS ${OUT}/replay/result.json)
  message(FATAL_ERROR "the replay wrote no result.json (exit ${replay_code}): ${replay_err}")
endif()
file(READ ${OUT}/replay/result.json replay_json)
violated("${replay_json}" replay_invariants)
foreach(field verdict "requests;failed" "requests;total" outage_s)
  string(JSON found_value GET "${json}" ${field})
  string(JSON replayed_value GET "${replay_json}" ${field})
  message(STATUS "${field}: the check's minimal case ${found_value}, its replay ${replayed_value}")
  if(NOT found_value STREQUAL replayed_value)
    message(FATAL_ERROR "the sim replay (${line}) gave ${field} ${replayed_value}, the check's case ${found_value}")
  endif()
endforeach()
if(NOT replay_code EQUAL 1 OR NOT replay_invariants STREQUAL found_invariants)
  message(FATAL_ERROR "the sim replay (${line}) exited ${replay_code} breaking [${replay_invariants}]; "
                      "the check's case broke [${found_invariants}]")
endif()


# `bluegreen check` on every core prints what it prints one case at a time when its first violation
# comes after cases that held, some of them run ahead and dropped (on the seed with these knobs and
# check seed 3, case 4 violates first; then it shrinks). --confirm 0: a live confirming rerun's
# outcome is the machine's to decide, and could differ between the two checks. Writes under ${OUT}.
cmake_minimum_required(VERSION 3.20)
file(REMOVE_RECURSE ${OUT})
set(args ${SRC}/scenarios/data/seed --vary swaps,listen_delay,post_ratio --seed 3 --runs 12 --confirm 0 --keep)
execute_process(COMMAND ${CLI} check ${args} --out ${OUT}/check
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 400)
message(STATUS "bluegreen check exited ${code}:\n${out}")
string(REGEX MATCHALL "\ncase  +[0-9]+:[^\n]*held" held "${out}")
if(NOT code EQUAL 1 OR NOT held)
  message(FATAL_ERROR "expected a violation after cases that held (exit 1), got exit ${code}: ${err}")
endif()
include(${CMAKE_CURRENT_LIST_DIR}/check_with_one_worker.cmake)
check_again_with_one_worker("${args}" ${OUT}/check "${out}" ${code})

# One real-world corpus folder with one proxy engine: `bluegreen verify` must exit 0 (the verdict,
# invariant and cause its scenario.yaml expects), its summary must not say "not modelled", and the
# machine's own host paths the folder's scripts write on their host (/etc/nginx, /home, /var/www,
# /srv, /etc/systemd) must be byte-identical afterwards: the writes landed in the sandboxed host;
# and listeners on the machine's own ports 80, 3000 and 3001 (bg_port_sentinel) must receive
# nothing: the run reached only the loopback ports it owns.
# -DCLI=bluegreen -DSENTINEL=bg_port_sentinel -DDIR=<folder> -DENGINE=builtin|nginx|sim -DOUT=<folder for the reports>
# (builtin and nginx: the proxy engine, live; sim: the builtin proxy on the deterministic engine)
if(ENGINE STREQUAL "nginx" AND NOT EXISTS /usr/sbin/nginx)
  message("real-world: skipped: /usr/sbin/nginx is missing")
  return()
endif()
set(args verify ${DIR} --out ${OUT})
if(ENGINE STREQUAL "nginx")
  list(APPEND args --proxy nginx)
elseif(ENGINE STREQUAL "sim")
  list(APPEND args --engine sim)
endif()
# Every file's content hash, and every folder and link (with its target), under the machine's paths.
function(machine_state result_var)
  set(roots "")
  foreach(root IN ITEMS /etc/nginx /home /var/www /srv /etc/systemd)
    if(EXISTS ${root})
      list(APPEND roots ${root})
    endif()
  endforeach()
  execute_process(COMMAND sh -c "find \"$@\" -type f -exec sha256sum {} + ; find \"$@\" ! -type f -printf '%p %y %l\\n'" sh ${roots}
                  OUTPUT_VARIABLE state ERROR_QUIET)
  set(${result_var} "${state}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${OUT})
machine_state(before)
execute_process(COMMAND ${SENTINEL} --port 80 --port 3000 --port 3001 -- ${CLI} ${args}
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
string(FIND "${err}" "sentinel: the run reached the machine's own ports" reached)
if(NOT reached EQUAL -1)
  message(FATAL_ERROR "the run connected to the machine's own port 80, 3000 or 3001")
endif()
machine_state(after)
if(NOT before STREQUAL after)
  file(WRITE ${OUT}/machine-before.txt "${before}")
  file(WRITE ${OUT}/machine-after.txt "${after}")
  message(FATAL_ERROR "the machine's host paths changed during the run (see ${OUT}/machine-*.txt)")
endif()
if(NOT code EQUAL 0)
  message(FATAL_ERROR "bluegreen verify ${DIR} (${ENGINE}) exited ${code}")
endif()
string(FIND "${out}${err}" "not modelled" at)
if(NOT at EQUAL -1)
  message(FATAL_ERROR "the run says something is not modelled")
endif()

#!/usr/bin/env bash

# The port nginx sends traffic to is the one written in service-url.inc;
# the idle port is the other one.
function find_idle_port()
{
    CURRENT_PORT=$(cat /etc/nginx/conf.d/service-url.inc | grep -Po '[0-9]+' | tail -1)

    if [ ${CURRENT_PORT} == 8081 ]
    then
      echo "8082"
    else
      echo "8081"
    fi
}

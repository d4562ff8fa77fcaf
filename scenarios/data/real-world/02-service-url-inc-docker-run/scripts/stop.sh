#!/usr/bin/env bash

ABSPATH=$(readlink -f $0)
ABSDIR=$(dirname $ABSPATH)
source ${ABSDIR}/profile.sh

PROJECT_NAME=webservice
IDLE_PORT=$(find_idle_port)

echo "> Looking for a container on the idle port $IDLE_PORT"
IDLE_CONTAINER=$(docker ps -aq --filter "name=${PROJECT_NAME}-${IDLE_PORT}")

if [ -z ${IDLE_CONTAINER} ]
then
  echo "> Nothing runs on $IDLE_PORT, nothing to stop."
else
  echo "> docker stop ${PROJECT_NAME}-${IDLE_PORT}"
  docker stop ${PROJECT_NAME}-${IDLE_PORT}
  docker rm ${PROJECT_NAME}-${IDLE_PORT}
  sleep 5
fi

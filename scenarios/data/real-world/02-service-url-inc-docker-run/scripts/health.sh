#!/usr/bin/env bash

ABSPATH=$(readlink -f $0)
ABSDIR=$(dirname $ABSPATH)
source ${ABSDIR}/profile.sh
source ${ABSDIR}/switch.sh

IDLE_PORT=$(find_idle_port)

echo "> Health Check Start!"
echo "> IDLE_PORT: $IDLE_PORT"
echo "> curl -s http://localhost:$IDLE_PORT/api/health "
sleep 10

for RETRY_COUNT in {1..10}
do
  RESPONSE=$(curl -s http://localhost:${IDLE_PORT}/api/health)
  UP_COUNT=$(echo ${RESPONSE} | grep '"ok"' | wc -l)

  if [ ${UP_COUNT} -ge 1 ]
  then # $up_count >= 1 (the response says "ok")
      echo "> Health check passed"
      switch_proxy
      break
  else
      echo "> Unknown response, or the app is not up yet."
      echo "> Health check: ${RESPONSE}"
  fi

  if [ ${RETRY_COUNT} -eq 10 ]
  then
    echo "> Health check failed."
    echo "> Ending the deployment without switching nginx."
    exit 1
  fi

  echo "> Health check failed. Retrying..."
  sleep 10
done

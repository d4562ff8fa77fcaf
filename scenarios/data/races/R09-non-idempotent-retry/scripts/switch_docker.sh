#!/usr/bin/env bash
# R09: readiness instead of `sleep 10`, but the proxy is never told: the old color is downed while
# nginx still sends it requests, and its requests in flight are cut.
set -euo pipefail

WORKDIR=/home/ec2-user/temp
cd $WORKDIR

# `|| true`: grep finding nothing is an answer, not an error.
IS_BLUE_RUNNING=$(docker-compose -p blue -f docker-compose-blue.yml ps | grep running || true)
if [ -n "$IS_BLUE_RUNNING" ]; then
  NEW=green; OLD=blue; NEW_PORT=3001
else
  NEW=blue; OLD=green; NEW_PORT=3000
fi

docker-compose -p $NEW -f docker-compose-$NEW.yml up -d

for attempt in $(seq 1 120); do
  if curl -fsS --max-time 2 http://localhost:$NEW_PORT/api/health >/dev/null 2>&1; then
    break
  fi
  if [ "$attempt" = 120 ]; then
    echo "the new color ($NEW) never became healthy; leaving $OLD in place" >&2
    exit 1
  fi
  sleep 1
done

# Let round robin bring the new color traffic, then down the old one in rotation.
sleep 2
docker-compose -p $OLD -f docker-compose-$OLD.yml down

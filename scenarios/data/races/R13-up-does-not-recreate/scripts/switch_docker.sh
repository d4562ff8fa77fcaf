#!/usr/bin/env bash
# A swap that keeps the old color's container (stopped, for a quick rollback) and starts the new
# color with `up -d --no-recreate`, so that a re-run never restarts a color that is already there.
# From the second swap on, the target color's leftover container is just started: it runs the image
# it was created from, the build before last.
set -euo pipefail

WORKDIR=/home/ec2-user/temp
cd $WORKDIR

IS_BLUE_RUNNING=$(docker-compose -p blue -f docker-compose-blue.yml ps --status running -q)
if [ -n "$IS_BLUE_RUNNING" ]; then
  NEW=green; OLD=blue; NEW_PORT=3001
else
  NEW=blue; OLD=green; NEW_PORT=3000
fi

docker-compose -p $NEW -f docker-compose-$NEW.yml up -d --no-recreate

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

docker-compose -p $OLD -f docker-compose-$OLD.yml stop

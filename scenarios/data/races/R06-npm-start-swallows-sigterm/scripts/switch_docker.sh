#!/usr/bin/env bash
# A swap that relies on the app stopping cleanly: start the new color, wait for its health endpoint,
# then `down` the old one while nginx still lists both (a stopping color refuses new connections
# and nginx retries them on the other).
set -euo pipefail

WORKDIR=/home/ec2-user/temp
cd $WORKDIR

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

docker-compose -p $OLD -f docker-compose-$OLD.yml down

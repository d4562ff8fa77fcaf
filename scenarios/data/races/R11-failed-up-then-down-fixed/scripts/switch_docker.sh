#!/usr/bin/env bash
# R11 fixed: any failed step stops the script (set -euo pipefail), so a failed `up` never downs the
# old color; and the new color must answer its health endpoint before the old one is downed.
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

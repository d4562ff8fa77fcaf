#!/usr/bin/env bash
# A swap for an nginx that names the colors by container name (nginx.conf). The new color is
# recreated (`up -d --force-recreate`: a new container, with a new address), checked through its
# published port, and then the old color is stopped (kept, for a quick rollback). nginx is never
# told: it still holds the address the new color's previous container had, which nothing answers
# any more, and once the old color stops no address nginx knows answers (races.md R18).
set -euo pipefail

WORKDIR=/home/ec2-user/temp
cd $WORKDIR

IS_BLUE_RUNNING=$(docker-compose -p blue -f docker-compose-blue.yml ps --status running -q)
IS_GREEN_RUNNING=$(docker-compose -p green -f docker-compose-green.yml ps --status running -q)
if [ -z "$IS_BLUE_RUNNING" ] && [ -z "$IS_GREEN_RUNNING" ]; then
  # The instance's first deployment brings up both colors: nginx starts after it and must resolve
  # both names (a name that does not resolve fails its start: host not found in upstream).
  docker-compose -p blue -f docker-compose-blue.yml up -d
  docker-compose -p green -f docker-compose-green.yml up -d
  exit 0
fi

if [ -n "$IS_BLUE_RUNNING" ]; then
  NEW=green; OLD=blue; NEW_PORT=3001
else
  NEW=blue; OLD=green; NEW_PORT=3000
fi

docker-compose -p $NEW -f docker-compose-$NEW.yml up -d --force-recreate

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

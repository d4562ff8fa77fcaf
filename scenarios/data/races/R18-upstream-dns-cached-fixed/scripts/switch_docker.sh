#!/usr/bin/env bash
# races.md R18 fixed: R18's swap, and once the new color is healthy `nginx -s reload`. nginx resolves
# the container names again when it loads its config, so it gets the recreated color's new address;
# both containers exist at that moment (the old one is only stopped afterwards, and a stopped color
# is kept), so both names resolve and the reload is taken. Only then is the old color stopped.
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

# The names are resolved again: the new color's new address replaces the stale one.
nginx -t
nginx -s reload
# Requests already sent on the previous configuration finish there.
sleep 2

docker-compose -p $OLD -f docker-compose-$OLD.yml stop

#!/usr/bin/env bash
# The seed's swap with readiness in place of `sleep 10`: the old color is downed only once the new one
# answers its health check and nginx has routed a request to it.
set -euo pipefail

WORKDIR=/home/ec2-user/temp
cd $WORKDIR

IS_BLUE_RUNNING=$(docker-compose -p blue -f docker-compose-blue.yml ps | grep running || true)
if [ -z "$IS_BLUE_RUNNING" ]; then
  NEW=blue; OLD=green; NEW_PORT=3000
else
  NEW=green; OLD=blue; NEW_PORT=3001
fi
IS_OLD_RUNNING=$(docker-compose -p $OLD -f docker-compose-$OLD.yml ps | grep running || true)

docker-compose -p $NEW -f docker-compose-$NEW.yml up -d
if [ -z "$IS_OLD_RUNNING" ]; then
  exit 0  # first deployment: nothing to swap out
fi

for attempt in $(seq 1 120); do
  if curl -fsS --max-time 2 http://localhost:$NEW_PORT/api/health >/dev/null 2>&1; then break; fi
  if [ "$attempt" = 120 ]; then echo "$NEW never became healthy; keeping $OLD" >&2; exit 1; fi
  sleep 1
done

# nginx marks an idle peer failed and retries it once per fail_timeout: wait until it has served $NEW.
for attempt in $(seq 1 60); do
  headers=$(curl -s --max-time 2 -D - -o /dev/null http://localhost/ || true)
  case "$headers" in *"X-Served-By: $NEW-"*) break ;; esac
  if [ "$attempt" = 60 ]; then echo "nginx never routed to $NEW; keeping $OLD" >&2; exit 1; fi
  sleep 0.5
done

docker-compose -p $OLD -f docker-compose-$OLD.yml down

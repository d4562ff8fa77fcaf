#!/usr/bin/env bash
# R08: seed-fixed's swap, but the switch is gradual: both colors serve side by side for 5 s (a common
# "canary" step), so a page from one build and the chunks it names can reach different builds.
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

cd /etc/nginx
# Both colors in rotation: the mixed-version window.
printf 'server localhost:3000;\nserver localhost:3001;\n' > upstream.conf
nginx -t
nginx -s reload
sleep 5

echo "server localhost:$NEW_PORT;" > upstream.conf
nginx -t
nginx -s reload
# Requests already sent to the old color finish on the old proxy configuration.
sleep 5

cd $WORKDIR
docker-compose -p $OLD -f docker-compose-$OLD.yml down

#!/usr/bin/env bash
# A swap that records the live color in a file at its very end, and reads it at its start. Between
# the two it switches nginx to the new color, then purges the old build's assets from the CDN, a
# call that here never returns: CodeDeploy kills the script at its 30 s timeout, after nginx was
# switched and before the record was updated. Nothing is undone (semantics.md §4 "Failure"): the
# next deployment trusts the stale record and redeploys onto the color that is serving.
set -euo pipefail

WORKDIR=/home/ec2-user/temp
cd $WORKDIR

LIVE=$(cat live_color 2>/dev/null || echo none)
if [ "$LIVE" = blue ]; then
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
echo "server localhost:$NEW_PORT;" > upstream.conf
nginx -t
nginx -s reload

cd $WORKDIR
if [ -n "$(docker-compose -p $OLD -f docker-compose-$OLD.yml ps --status running -q)" ]; then
  echo "purging the assets of the old build from the CDN"
  sleep 600   # stands for the CDN's purge API, which never answers
  sleep 5     # requests in flight on the old color finish
  docker-compose -p $OLD -f docker-compose-$OLD.yml down
fi
echo $NEW > live_color

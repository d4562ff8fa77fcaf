#!/usr/bin/env bash
# R16 fixed: the live color is read from what nginx routes to (upstream.conf), not from a record the
# last run may not have reached, so a swap killed at any point is followed by a correct one. The
# same CDN purge still hangs and CodeDeploy still kills the script at its timeout.
set -euo pipefail

WORKDIR=/home/ec2-user/temp
cd $WORKDIR

cd /etc/nginx
LIVE_PORT=$(grep -o '30[0-9][0-9]' upstream.conf)
cd $WORKDIR
if [ "$LIVE_PORT" = 3000 ]; then
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

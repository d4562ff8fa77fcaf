#!/usr/bin/env bash
# R14: seed-fixed's swap (health wait, edit the upstream, reload, then down the old color), but the
# edit is a `sed -i` whose pattern was written for `server localhost:<port>;` while upstream.conf says
# `server 127.0.0.1:<port>;`. sed finds nothing to replace and still exits 0, `nginx -t` passes (the
# file is valid, just unchanged) and the reload reapplies the same upstream: nginx keeps routing to
# the color the script then downs (races.md R14).
set -euo pipefail

WORKDIR=/home/ec2-user/temp
cd $WORKDIR

# `|| true`: grep finding nothing is an answer, not an error.
IS_BLUE_RUNNING=$(docker-compose -p blue -f docker-compose-blue.yml ps | grep running || true)
if [ -n "$IS_BLUE_RUNNING" ]; then
  NEW=green; OLD=blue; NEW_PORT=3001; OLD_PORT=3000
else
  NEW=blue; OLD=green; NEW_PORT=3000; OLD_PORT=3001
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
sed -i "s/server localhost:$OLD_PORT;/server localhost:$NEW_PORT;/" upstream.conf
nginx -t
nginx -s reload
# Requests already sent to the old color finish on the old proxy configuration. 10 s, not
# seed-fixed's 5 s: a margin for a loaded machine, where the old configuration's backlog drains late.
sleep 10

cd $WORKDIR
docker-compose -p $OLD -f docker-compose-$OLD.yml down

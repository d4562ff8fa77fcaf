#!/usr/bin/env bash
# R05: seed-fixed's swap with too short a wait for requests in flight: the old color is downed one
# second after the reload, while its 3-5 s API requests are still running.
# The health probe waits 6 s: the fake's /api/health pays the same API latency.
# The seed's swap, fixed. Same detection of the live color, but:
#  - readiness instead of `sleep 10`: wait for the new color's health endpoint;
#  - the proxy is told first: the upstream lists only the new color, `nginx -s reload` gives fresh
#    peer state (no peer left marked failed), and requests in flight on the old color finish;
#  - only then is the old color downed;
#  - any failed step stops the script (set -euo pipefail), so a failed `up` never downs the old color.
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
  if curl -fsS --max-time 6 http://localhost:$NEW_PORT/api/health >/dev/null 2>&1; then
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
sleep 1

cd $WORKDIR
docker-compose -p $OLD -f docker-compose-$OLD.yml down

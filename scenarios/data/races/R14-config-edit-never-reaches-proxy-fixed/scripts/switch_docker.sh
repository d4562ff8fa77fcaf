#!/usr/bin/env bash
# R14 fixed: the same upstream.conf (`server 127.0.0.1:<port>;`), two changes to the edit:
#  - the pattern matches the server line in any of its forms (localhost or 127.0.0.1, any spacing),
#    and writes one known form;
#  - the script checks the effective upstream before it downs anything: the new port must be in the
#    file, the old one gone, and `nginx -t` must accept it; otherwise it stops (set -e) with the old
#    color still serving, which costs a deployment, not requests.
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
sed -i -E "s/^([[:space:]]*server)[[:space:]]+(localhost|127\.0\.0\.1):$OLD_PORT([[:space:];])/\1 127.0.0.1:$NEW_PORT\3/" upstream.conf
if ! grep -Eq "^[[:space:]]*server[[:space:]]+(localhost|127\.0\.0\.1):$NEW_PORT[[:space:];]" upstream.conf \
   || grep -Eq ":$OLD_PORT[[:space:];]" upstream.conf; then
  echo "upstream.conf does not route to $NEW only after the edit; leaving $OLD in place:" >&2
  cat upstream.conf >&2
  exit 1
fi
nginx -t
nginx -s reload
# Requests already sent to the old color finish on the old proxy configuration. 10 s, not
# seed-fixed's 5 s: a margin for a loaded machine, where the old configuration's backlog drains late.
sleep 10

cd $WORKDIR
docker-compose -p $OLD -f docker-compose-$OLD.yml down

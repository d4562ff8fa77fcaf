#!/bin/bash
# Blue/green with one compose file and two projects:
#   blue  = docker compose -p blue  (host port 3000)
#   green = docker compose -p green (host port 3001)
# nginx proxies to $active, set in /etc/nginx/default.d/active.conf.
set -e

cd /home/ec2-user/web

docker build -t web:$DEPLOYMENT_ID .

if [ -n "$(docker compose -p blue ps --status running -q)" ]; then
  NEW=green
  OLD=blue
  NEW_PORT=3001
else
  NEW=blue
  OLD=green
  NEW_PORT=3000
fi

echo "Starting $NEW on port $NEW_PORT"
TAG=$DEPLOYMENT_ID PORT=$NEW_PORT docker compose -p $NEW up -d

ATTEMPTS=0
until curl -sf http://127.0.0.1:$NEW_PORT/api/health > /dev/null; do
  ATTEMPTS=$((ATTEMPTS + 1))
  if [ $ATTEMPTS -ge 30 ]; then
    echo "$NEW failed its health check; $OLD keeps serving" >&2
    docker compose -p $NEW logs --tail 50
    docker compose -p $NEW down
    exit 1
  fi
  sleep 1
done

echo "Switching nginx to $NEW"
echo "set \$active http://127.0.0.1:$NEW_PORT;" | sudo tee /etc/nginx/default.d/active.conf
sudo nginx -t && sudo systemctl reload nginx

# give in-flight requests on the old color time to finish
sleep 5
docker compose -p $OLD down

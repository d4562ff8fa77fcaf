#!/bin/bash
set -e
cd /home/ec2-user/app

if docker compose ps --status running --services | grep -qx blue; then
  NEW=green
  OLD=blue
  PORT=3001
else
  NEW=blue
  OLD=green
  PORT=3000
fi
echo "deploying $NEW"

docker compose build $NEW
docker compose up -d $NEW

echo "waiting for $NEW to answer"
for i in $(seq 1 30); do
  curl -sf http://localhost:$PORT/api/health > /dev/null && break
  sleep 2
done

# point nginx at the new color (and start the proxy if it is not running yet)
sed -i "s/server $OLD:3000;/server $NEW:3000;/" nginx/default.conf
docker compose up -d nginx
docker compose exec -T nginx nginx -s reload

sleep 5
docker compose stop $OLD
echo "$NEW is live"

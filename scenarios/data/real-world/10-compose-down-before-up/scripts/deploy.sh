#!/bin/bash
cd /home/ubuntu/app

DOCKER_APP_NAME=app
EXIST_BLUE=$(docker ps | grep ${DOCKER_APP_NAME}-blue)

if [ -z "$EXIST_BLUE" ]; then
  LIVE=green
  NEW=blue
  NEW_PORT=3000
else
  LIVE=blue
  NEW=green
  NEW_PORT=3001
fi

# The t3.small does not have the memory to build and run a second copy next to the live one,
# so stop the live one first.
echo "### stopping $LIVE"
docker compose -p ${DOCKER_APP_NAME}-${LIVE} -f docker-compose.${LIVE}.yml down

echo "### building and starting $NEW"
docker compose -p ${DOCKER_APP_NAME}-${NEW} -f docker-compose.${NEW}.yml up -d --build

for RETRY_COUNT in {1..10}; do
  RESPONSE=$(curl -s http://127.0.0.1:${NEW_PORT}/api/health)
  UP_COUNT=$(echo "$RESPONSE" | grep -c '"ok"')
  if [ $UP_COUNT -ge 1 ]; then
    echo "### $NEW is up"
    break
  fi
  echo "### waiting for $NEW ($RETRY_COUNT/10)"
  sleep 5
done

echo "### switching nginx to $NEW"
sudo sed -i "s/server 127.0.0.1:[0-9]*;/server 127.0.0.1:${NEW_PORT};/" /etc/nginx/conf.d/app.conf
sudo nginx -s reload

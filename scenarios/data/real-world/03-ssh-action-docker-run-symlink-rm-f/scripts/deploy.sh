#!/bin/bash
# Blue/green deploy of the web container behind nginx.
# blue listens on 3000, green on 3001; nginx serves whichever
# /etc/nginx/sites-enabled/web links to.
set -e

cd /home/ubuntu/web

if [ "$(docker inspect -f '{{.State.Running}}' web-blue 2>/dev/null)" = "true" ]; then
  LIVE=blue
  NEXT=green
  NEXT_PORT=3001
else
  LIVE=green
  NEXT=blue
  NEXT_PORT=3000
fi

echo "==> Building image"
docker build -t web:latest .

echo "==> Starting web-$NEXT on port $NEXT_PORT"
docker rm -f web-$NEXT 2>/dev/null || true
docker run -d \
  --name web-$NEXT \
  -p $NEXT_PORT:3000 \
  --env-file .env.production \
  --restart unless-stopped \
  web:latest

echo "==> Waiting for web-$NEXT to be healthy"
RETRIES=0
until curl -sf http://127.0.0.1:$NEXT_PORT/api/health > /dev/null; do
  RETRIES=$((RETRIES + 1))
  if [ $RETRIES -ge 30 ]; then
    echo "web-$NEXT did not become healthy, aborting" >&2
    docker logs --tail 50 web-$NEXT
    exit 1
  fi
  sleep 1
done

echo "==> Switching nginx to $NEXT"
sudo ln -sfn /etc/nginx/sites-available/web-$NEXT /etc/nginx/sites-enabled/web
sudo nginx -t && sudo systemctl reload nginx

echo "==> Removing web-$LIVE"
docker rm -f web-$LIVE 2>/dev/null || true

echo "==> Deployed web-$NEXT"

#!/bin/bash
set -e
cd /home/ubuntu/web

BLUE_ID=$(docker-compose -p web-blue -f docker-compose.blue.yml ps -q)
if [ -n "$BLUE_ID" ] && [ "$(docker inspect -f '{{.State.Running}}' $BLUE_ID)" = "true" ]; then
  CURRENT=blue
  TARGET=green
  TARGET_PORT=3001
else
  CURRENT=green
  TARGET=blue
  TARGET_PORT=3000
fi
echo ">>> $CURRENT is live, starting $TARGET"

docker-compose -p web-$TARGET -f docker-compose.$TARGET.yml up -d

for i in $(seq 1 20); do
  if curl -s http://127.0.0.1:$TARGET_PORT/api/health | grep -q '"ok"'; then
    echo ">>> $TARGET is healthy"
    break
  fi
  if [ $i -eq 20 ]; then
    echo ">>> $TARGET failed to start" >&2
    exit 1
  fi
  sleep 3
done

echo ">>> pointing nginx at $TARGET"
echo "proxy_pass http://127.0.0.1:$TARGET_PORT;" | sudo tee /etc/nginx/snippets/web-upstream.conf
sudo nginx -t
sudo systemctl restart nginx

sleep 5
docker-compose -p web-$CURRENT -f docker-compose.$CURRENT.yml down
echo ">>> done"

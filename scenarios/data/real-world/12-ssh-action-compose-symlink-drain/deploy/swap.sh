#!/bin/bash
# Zero-downtime swap between the blue (3000) and green (3001) compose services.
# The live color is the one /etc/nginx/sites-enabled/blog links to.
set -e
cd /home/ubuntu/blog

if [ "$(readlink /etc/nginx/sites-enabled/blog)" = "/etc/nginx/sites-available/blog-blue" ]; then
  LIVE=blue
  NEXT=green
  NEXT_PORT=3001
else
  LIVE=green
  NEXT=blue
  NEXT_PORT=3000
fi
echo "live: $LIVE, deploying: $NEXT"

docker compose up -d --build $NEXT

n=0
until curl -sf -o /dev/null http://localhost:$NEXT_PORT/api/health; do
  n=$((n+1))
  [ $n -lt 60 ] || { echo "blog-$NEXT failed its health check"; exit 1; }
  sleep 1
done

sudo ln -sfn /etc/nginx/sites-available/blog-$NEXT /etc/nginx/sites-enabled/blog
sudo nginx -t
sudo systemctl reload nginx

# old workers finish the requests they already sent to $LIVE
sleep 10
docker compose stop $LIVE
echo "done: $NEXT is live"

#!/bin/bash
# Blue/green swap for the shop container, run by CodeDeploy on ApplicationStart.
#   blue  = shop-blue  on 127.0.0.1:3000
#   green = shop-green on 127.0.0.1:3001
# nginx proxies to the upstream "shop" defined in /etc/nginx/conf.d/shop-upstream.conf.
set -euo pipefail

APP_DIR=/home/ubuntu/shop
UPSTREAM_CONF=/etc/nginx/conf.d/shop-upstream.conf
IMAGE="shop:${DEPLOYMENT_ID}"

cd "$APP_DIR"

ACTIVE_PORT=$(grep -oE '127\.0\.0\.1:[0-9]+' "$UPSTREAM_CONF" | cut -d: -f2)
if [ "$ACTIVE_PORT" = "3000" ]; then
  OLD_COLOR=blue
  NEW_COLOR=green
  NEW_PORT=3001
else
  OLD_COLOR=green
  NEW_COLOR=blue
  NEW_PORT=3000
fi
echo "Active: $OLD_COLOR ($ACTIVE_PORT). Deploying $NEW_COLOR on $NEW_PORT."

docker build -t "$IMAGE" .

docker rm -f "shop-$NEW_COLOR" >/dev/null 2>&1 || true
docker run -d \
  --name "shop-$NEW_COLOR" \
  -p "127.0.0.1:$NEW_PORT:3000" \
  --restart unless-stopped \
  --health-cmd "wget -qO- http://127.0.0.1:3000/api/health || exit 1" \
  --health-interval 2s \
  --health-timeout 2s \
  --health-retries 3 \
  --health-start-period 10s \
  "$IMAGE"

echo "Waiting for shop-$NEW_COLOR to become healthy..."
for i in $(seq 1 60); do
  STATUS=$(docker inspect -f '{{.State.Health.Status}}' "shop-$NEW_COLOR")
  if [ "$STATUS" = "healthy" ]; then
    break
  fi
  if [ "$STATUS" = "unhealthy" ] || [ "$i" -eq 60 ]; then
    echo "shop-$NEW_COLOR is $STATUS; keeping shop-$OLD_COLOR live" >&2
    docker logs --tail 100 "shop-$NEW_COLOR" >&2
    docker rm -f "shop-$NEW_COLOR"
    exit 1
  fi
  sleep 2
done

echo "upstream shop { server 127.0.0.1:$NEW_PORT; }" | sudo tee "$UPSTREAM_CONF" > /dev/null
sudo nginx -t
sudo systemctl reload nginx

# Let requests already sent to the old color finish before stopping it.
sleep 15

docker stop -t 30 "shop-$OLD_COLOR" || true
docker rm "shop-$OLD_COLOR" || true
docker image prune -f
echo "shop-$NEW_COLOR is live"

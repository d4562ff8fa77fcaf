#!/usr/bin/env bash
# Blue/green switch for the storefront.
# The color nginx serves is the `default` of the map in /etc/nginx/conf.d/storefront.conf.
set -euo pipefail

COMPOSE="docker compose -f docker-compose.prod.yml"
NGINX_CONF=/etc/nginx/conf.d/storefront.conf

cd /home/ubuntu/storefront

CURRENT=$(sed -n 's/^ *default storefront_\(blue\|green\);/\1/p' "$NGINX_CONF")
if [ "$CURRENT" = "blue" ]; then
  NEW=green
else
  NEW=blue
fi
echo "Live: $CURRENT -> deploying $NEW"

$COMPOSE build "$NEW"
$COMPOSE up -d --no-deps "$NEW"

echo "Waiting for storefront-$NEW to report healthy"
for i in $(seq 1 40); do
  HEALTH=$(docker inspect -f '{{.State.Health.Status}}' "storefront-$NEW")
  [ "$HEALTH" = "healthy" ] && break
  if [ "$i" -eq 40 ]; then
    echo "storefront-$NEW is still $HEALTH, giving up (nginx untouched)" >&2
    exit 1
  fi
  sleep 3
done

sudo sed -i "s/default storefront_${CURRENT};/default storefront_${NEW};/" "$NGINX_CONF"
sudo nginx -t
sudo systemctl reload nginx

# Requests already on the old color finish there.
sleep 10
$COMPOSE stop "$CURRENT"
echo "storefront-$NEW is live"

#!/bin/bash
# Blue/green on one host. nginx runs in the "proxy" container and reaches the colors by
# container name on the compose network. Usage: TAG=<image tag> ./deploy.sh
set -euo pipefail
cd /home/ubuntu/web

: "${TAG:?set TAG to the image tag to deploy}"

if docker ps --format '{{.Names}}' | grep -qx web-blue; then
  NEW=green
  OLD=blue
else
  NEW=blue
  OLD=green
fi
TAG_VAR=$(echo "$NEW" | tr '[:lower:]' '[:upper:]')_TAG
echo "Deploying ghcr.io/acme/web:$TAG as $NEW"

sed -i "s/^${TAG_VAR}=.*/${TAG_VAR}=${TAG}/" .env
docker compose pull $NEW
docker compose up -d $NEW

for i in $(seq 1 30); do
  if [ "$(docker inspect -f '{{.State.Health.Status}}' web-$NEW)" = "healthy" ]; then
    break
  fi
  if [ "$i" -eq 30 ]; then
    echo "web-$NEW did not become healthy; $OLD stays live" >&2
    exit 1
  fi
  sleep 2
done

# on a fresh server the proxy is not running yet
docker compose up -d proxy

docker cp nginx/$NEW.conf proxy:/etc/nginx/conf.d/default.conf
docker exec proxy nginx -t
docker exec proxy nginx -s reload

# let the old color finish what it is serving
sleep 10
docker compose stop $OLD
echo "web-$NEW is live"

#!/bin/bash
# Blue/green: two compose projects of the same file, ledger-blue on 3000 and ledger-green on 3001.
set -euo pipefail

cd /home/ec2-user/ledger

if docker compose -p ledger-blue ps --status running --services | grep -q app; then
  NEW=green
  OLD=blue
  HOST_PORT=3001
else
  NEW=blue
  OLD=green
  HOST_PORT=3000
fi
export HOST_PORT
echo "$(date -Is) deploying ledger-$NEW on $HOST_PORT"

# --wait returns once the container's healthcheck passes, and fails if it turns unhealthy
docker compose -p ledger-$NEW up -d --wait

cat <<EOF | sudo tee /etc/nginx/conf.d/ledger-upstream.conf
upstream ledger {
    server 127.0.0.1:$HOST_PORT;
}
EOF
sudo nginx -t
sudo nginx -s reload

# drain: let the old color finish what nginx already sent it
sleep 10
docker compose -p ledger-$OLD down
echo "$(date -Is) ledger-$NEW is live"

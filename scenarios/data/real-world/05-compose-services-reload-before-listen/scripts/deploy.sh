#!/bin/bash
cd /home/ubuntu/app

if docker compose ps --status running --services | grep -q blue; then
  NEW=green
  OLD=blue
  PORT=3001
else
  NEW=blue
  OLD=green
  PORT=3000
fi

echo "Deploying $NEW (port $PORT)"
docker compose build $NEW
docker compose up -d $NEW

echo "Switching nginx to $NEW"
sudo sed -i "s/127.0.0.1:300[01]/127.0.0.1:$PORT/" /etc/nginx/sites-available/default
sudo nginx -t && sudo systemctl reload nginx

sleep 10
docker compose stop $OLD
echo "Done: $NEW is live"

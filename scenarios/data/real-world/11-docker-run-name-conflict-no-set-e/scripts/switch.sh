#!/bin/bash
# Blue/green switch: shop-blue on 3000, shop-green on 3001.
# The old color is stopped but kept, so a rollback is just `docker start` + the other nginx conf.

cd /home/ec2-user/shop

docker build -t shop:latest .

if [ "$(docker ps -q -f name=shop-blue)" ]; then
  NEW=green
  OLD=blue
  PORT=3001
else
  NEW=blue
  OLD=green
  PORT=3000
fi

echo "Starting shop-$NEW on port $PORT"
docker run -d --name shop-$NEW -p $PORT:3000 --restart always shop:latest

echo "Waiting for shop-$NEW to start..."
sleep 20

echo "Switching nginx to shop-$NEW"
sudo cp /etc/nginx/bluegreen/shop-$NEW.conf /etc/nginx/conf.d/shop.conf
sudo nginx -t
sudo systemctl reload nginx

docker stop shop-$OLD
echo "shop-$NEW is live"

#!/usr/bin/env bash

# The text that identifies a running container
KEYWORD=running
# Working directory
WORKDIR=/home/ec2-user/temp
cd $WORKDIR

# The containers started from docker-compose-blue.yml (and green)
IS_BLUE_RUNNING=$(docker-compose -p blue -f docker-compose-blue.yml ps | grep $KEYWORD)
IS_GREEN_RUNNING=$(docker-compose -p green -f docker-compose-green.yml ps | grep $KEYWORD)

if [ -z "$IS_BLUE_RUNNING" ]; then
  docker-compose -p blue -f docker-compose-blue.yml up -d 
  if [ -n "$IS_GREEN_RUNNING" ]; then
    # Sleep to give blue a grace period until it is fully up
    sleep 10
    docker-compose -p green -f docker-compose-green.yml down
  fi
else
  docker-compose -p green -f docker-compose-green.yml up -d 

  # Sleep to give green a grace period until it is fully up
  sleep 10
  docker-compose -p blue -f docker-compose-blue.yml down
fi

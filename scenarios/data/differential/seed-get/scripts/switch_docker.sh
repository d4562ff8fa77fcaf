#!/usr/bin/env bash
# The seed's swap with one change: it sleeps 30 s instead of 10 between `up` of the new color and
# `down` of the old. The idle color stays in the upstream and is marked failed again at each retry,
# so when it is started its failure window may still be open. nginx keeps failure times in whole
# *real* seconds: at time_scale 0.1 its 10 s window lasts 10 to 20 scenario seconds, where
# bluegreen's proxy (whole scenario seconds) keeps it 10 to 11. With 10 s the two proxies would meet
# R03 (both peers failed) at different rates; 30 s outlasts both windows with margin, so the
# differential test compares what the swap itself does to requests, the same in every run.

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
    sleep 30
    docker-compose -p green -f docker-compose-green.yml down
  fi
else
  docker-compose -p green -f docker-compose-green.yml up -d 

  # Sleep to give green a grace period until it is fully up
  sleep 30
  docker-compose -p blue -f docker-compose-blue.yml down
fi

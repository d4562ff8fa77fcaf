#!/usr/bin/env bash

# Working directory
WORKDIR=/home/ec2-user/temp

cd $WORKDIR
# The article tags the image `docker-tag` but its compose files run `docker-image`; as printed, every
# `up` would fail to pull `docker-image` and the swap would down the only running color. The tag
# here is the one the compose files use, so that this scenario tests the swap the article meant.
docker build -t docker-image .

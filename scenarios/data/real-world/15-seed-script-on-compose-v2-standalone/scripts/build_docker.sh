#!/usr/bin/env bash

# Working directory
WORKDIR=/home/ec2-user/temp

cd $WORKDIR
docker build -t docker-image .

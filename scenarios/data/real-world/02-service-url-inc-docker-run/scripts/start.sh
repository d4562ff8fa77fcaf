#!/usr/bin/env bash

ABSPATH=$(readlink -f $0)
ABSDIR=$(dirname $ABSPATH)
source ${ABSDIR}/profile.sh

REPOSITORY=/home/ec2-user/app
PROJECT_NAME=webservice

IDLE_PORT=$(find_idle_port)

echo "> Build the image"
cd $REPOSITORY/zip/
docker build -t ${PROJECT_NAME}:latest .

echo "> Start ${PROJECT_NAME}-${IDLE_PORT} on port $IDLE_PORT"
docker run -d \
    --name ${PROJECT_NAME}-${IDLE_PORT} \
    -p ${IDLE_PORT}:3000 \
    -e NODE_ENV=production \
    --restart always \
    ${PROJECT_NAME}:latest

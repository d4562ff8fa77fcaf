#!/bin/bash

cd /home/ec2-user/app

docker build -t myapp:latest .

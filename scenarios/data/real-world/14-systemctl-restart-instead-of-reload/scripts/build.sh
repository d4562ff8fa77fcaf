#!/bin/bash
set -e
cd /home/ubuntu/web
docker build -t web:latest .

#!/bin/bash
set -euo pipefail
cd /home/ec2-user/ledger
docker build -t ledger:latest .

#!/bin/bash
# The swap waits for health checks and drains the old color, which can take minutes.
# Run it detached so ApplicationStart returns at once, with stdin/stdout/stderr redirected
# as the CodeDeploy troubleshooting guide says for long-running processes:
# https://docs.aws.amazon.com/codedeploy/latest/userguide/troubleshooting-deployments.html#troubleshooting-long-running-processes
cd /home/ec2-user/ledger
nohup ./scripts/deploy.sh > /home/ec2-user/ledger-deploy.log 2>&1 < /dev/null &

#!/bin/sh
# tini passes its child's exit code through and forwards signals.
set -e
tini=$1
$tini -- true
if $tini -- sh -c 'exit 7'; then echo "expected exit 7"; exit 1; else test $? -eq 7; fi
$tini -s -- sh -c 'kill -TERM $$; sleep 5' || test $? -eq 143
$tini --version | grep -q 'tini version 0.19.0'
echo ok

#!/bin/sh
echo "$GREETING from app"

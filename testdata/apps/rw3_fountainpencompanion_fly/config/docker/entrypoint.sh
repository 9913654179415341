#!/bin/sh -ex

cd /app
exec "$@"

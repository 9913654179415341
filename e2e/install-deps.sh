#!/usr/bin/env bash
# Installs the Debian packages the e2e suite (e2e/README.md) runs the real
# stack with: Ruby, Rails 6.1 (railties, Active Record), pg, Rack, Puma 5.6,
# Sidekiq 6.4 (and its redis client), Unicorn 6, PostgreSQL 15, PgBouncer
# 1.18 and Redis 7. Only Debian's packages: no gem comes from anywhere else.
#
# Idempotent: when every package is already installed it changes nothing
# and does not touch the network; otherwise it runs apt-get update once and
# installs what is missing. Needs root (or sudo). The suite never uses the
# system services these packages may start: it runs its own servers on
# free loopback ports (CI's machines start none: policy-rc.d refuses).
set -euo pipefail

packages=(
	ruby
	ruby-activerecord
	ruby-railties
	ruby-pg
	ruby-rack
	puma
	ruby-sidekiq
	ruby-redis
	unicorn
	postgresql
	pgbouncer
	redis-server
)

missing=()
for p in "${packages[@]}"; do
	if [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" != installed ]; then
		missing+=("$p")
	fi
done

if [ "${#missing[@]}" -eq 0 ]; then
	echo "e2e deps: all ${#packages[@]} packages already installed"
	exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
	sudo=(sudo)
fi
echo "e2e deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"

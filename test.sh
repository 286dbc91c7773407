#!/usr/bin/env bash
# Runs every test of Fathom: installs the Debian packages the tests use when they are missing
# (prometheus for the end-to-end scrape tests; needs root or sudo), then builds and verifies all
# modules. Agent tests also run on the JDK at /usr/lib/jvm/temurin-25-jdk-amd64 when it is there
# (-Dfathom.it.javaNewest=/path/to/java picks another).
set -euo pipefail
cd "$(dirname "$0")"

need=()
command -v mvn >/dev/null || need+=(maven)
command -v prometheus >/dev/null || need+=(prometheus)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

mvn -q verify "$@"

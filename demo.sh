#!/usr/bin/env bash
# Builds Fathom and runs the demo on embedded defaults (no network, no set-up).
set -euo pipefail
cd "$(dirname "$0")"
mvn -q -DskipTests package
java -jar examples/target/fathom-examples.jar demo "$@"

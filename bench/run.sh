#!/usr/bin/env bash
# Build the release binary and print the benchmark figures (ratios measured in one run).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
python3 bench/bench.py target/release/iolings

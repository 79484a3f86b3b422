#!/usr/bin/env node
// tests/cfn/stream-policy.js - aws/stream/iam-policy.json (for a role made
// by hand) says what aws/stream/template.yaml's StreamRole holds: the same
// statements by Sid, each with the same Effect, Actions and condition
// operators (resources differ in form only: ARNs with REGION/ACCOUNT_ID
// placeholders there, references here). And the template's tracing hangs
// together: a layer, an OTLP endpoint and the X-Ray permissions when the
// ADOT layer is asked for, an X-Ray parent only with Active tracing.
//
// TAP on stdout; exit 1 when any check failed.
'use strict';

const fs = require('fs');
const path = require('path');
const { parseTemplate } = require('./check.js');

const root = path.resolve(__dirname, '..', '..');
const policy = JSON.parse(fs.readFileSync(path.join(root, 'aws', 'stream', 'iam-policy.json'), 'utf8'));
const tpl = parseTemplate(fs.readFileSync(path.join(root, 'aws', 'stream', 'template.yaml'), 'utf8'));

const { result, finish } = require('./tap.js');

// Sid -> "Effect | sorted actions | condition operators and keys"
function shapes(statements) {
    const out = new Map();
    for (const s of statements) {
        const actions = [].concat(s.Action).sort().join(',');
        const cond = Object.entries(s.Condition || {})
            .map(([op, kv]) => `${op}:${Object.keys(kv).sort().join('+')}`).sort().join(';');
        out.set(s.Sid, `${s.Effect} | ${actions} | ${cond}`);
    }
    return out;
}

const role = tpl.Resources?.StreamRole?.Properties?.Policies ?? [];
const inTemplate = shapes(role.flatMap((p) => [].concat(p.PolicyDocument?.Statement ?? [])));
const inFile = shapes(policy.Statement);
const diff = [];
for (const [sid, v] of inFile) {
    if (!inTemplate.has(sid)) diff.push(`${sid}: in iam-policy.json only`);
    else if (inTemplate.get(sid) !== v) diff.push(`${sid}: ${v} (iam-policy.json) vs ${inTemplate.get(sid)} (template)`);
}
for (const sid of inTemplate.keys()) if (!inFile.has(sid)) diff.push(`${sid}: in the template only`);
result(diff.length === 0 && inFile.size > 0,
    `aws/stream/iam-policy.json and template.yaml StreamRole: the same ${inFile.size} statements`, diff);

const xray = [...inFile.values()].some((v) => /xray:PutTelemetryRecords/.test(v) && /xray:PutTraceSegments/.test(v));
result(xray, 'the stream role may send traces to X-Ray (xray:PutTraceSegments, xray:PutTelemetryRecords)');

// The function's tracing: every piece under the conditions it belongs to.
const fn = tpl.Resources?.StreamFunction?.Properties ?? {};
const vars = fn.Environment?.Variables ?? {};
const cond = (v) => (v && v['Fn::If'] ? v['Fn::If'][0] : null);
const checks = [
    ['Layers', cond(fn.Layers), 'HasAdotLayer'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', cond(vars.OTEL_EXPORTER_OTLP_ENDPOINT), 'HasAdotLayer'],
    ['OPENTELEMETRY_COLLECTOR_CONFIG_URI', cond(vars.OPENTELEMETRY_COLLECTOR_CONFIG_URI), 'HasCollectorConfig'],
    ['OTEL_PROPAGATORS', cond(vars.OTEL_PROPAGATORS), 'TracesToXRay'],
    ['TracingConfig.Mode', cond(fn.TracingConfig?.Mode), 'TracesToXRay'],
];
const bad = checks.filter(([, got, want]) => got !== want).map(([what, got, want]) => `${what}: under ${got}, not ${want}`);
const active = fn.TracingConfig?.Mode?.['Fn::If'];
if (!active || active[1] !== 'Active' || active[2] !== 'PassThrough') bad.push('TracingConfig.Mode: not Active when traces go to X-Ray, PassThrough otherwise');
if (!/xray-lambda/.test(vars.OTEL_PROPAGATORS?.['Fn::If']?.[1] ?? '')) bad.push('OTEL_PROPAGATORS: no xray-lambda when traces go to X-Ray');
result(bad.length === 0, 'StreamFunction: ADOT layer, OTLP endpoint, collector config, X-Ray parent and tracing mode under their conditions', bad);

finish();

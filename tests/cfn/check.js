#!/usr/bin/env node
// tests/cfn/check.js - checks CloudFormation templates against the
// CloudFormation resource specification (npm @aws-cdk/cfnspec, pinned in
// tests/cfn/package-lock.json, installed by scripts/install).
//
//   node tests/cfn/check.js aws/stream/template.yaml aws/service.yaml
//
// Prints one TAP line per template ("ok N - FILE" or "not ok N - FILE" and
// one "#   where: what" line per problem) and exits 1 when any failed.
// Checked: the template's sections; every resource type exists; every
// property (nested property types too) is known and has the right shape
// (list, map, object, scalar) where it is written out; required properties
// are present; resource attributes (DependsOn, Condition, policies) are
// known; every Ref names a parameter, a resource or a pseudo parameter;
// every Fn::GetAtt names a resource and one of its type's attributes; every
// ${...} of Fn::Sub resolves (a parameter, resource, pseudo parameter,
// Resource.Attribute or one of the Sub's own variables); DependsOn and
// Condition names exist; each condition is a condition function and each
// Fn::If has its condition and both values. A Transform (SAM) is refused: the specification
// does not describe what it expands.
//
// Node 18 or later, CommonJS; the modules come from NODE_PATH (tests/cfn/run).
'use strict';

const fs = require('fs');
const YAML = require('yaml');

const PSEUDO = new Set(['AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue',
    'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix']);
const SECTIONS = new Set(['AWSTemplateFormatVersion', 'Description', 'Metadata', 'Parameters',
    'Rules', 'Mappings', 'Conditions', 'Transform', 'Resources', 'Outputs']);
const RESOURCE_KEYS = new Set(['Type', 'Properties', 'DependsOn', 'DeletionPolicy',
    'UpdateReplacePolicy', 'Condition', 'Metadata', 'CreationPolicy', 'UpdatePolicy']);
const PARAMETER_KEYS = new Set(['Type', 'Default', 'Description', 'AllowedValues',
    'AllowedPattern', 'ConstraintDescription', 'MaxLength', 'MinLength', 'MaxValue',
    'MinValue', 'NoEcho']);
// Properties `aws cloudformation package` accepts as a local path.
const PACKAGED = {
    'AWS::Lambda::Function': ['Code'],
    'AWS::Lambda::LayerVersion': ['Content'],
    'AWS::CloudFormation::Stack': ['TemplateURL'],
    'AWS::StepFunctions::StateMachine': ['DefinitionS3Location'],
    'AWS::ApiGateway::RestApi': ['BodyS3Location'],
};
// CloudFormation's parameter types (AWS-specific ones alone and as List<>).
const AWS_PARAMETER_TYPES = ['AWS::EC2::AvailabilityZone::Name', 'AWS::EC2::Image::Id',
    'AWS::EC2::Instance::Id', 'AWS::EC2::KeyPair::KeyName', 'AWS::EC2::SecurityGroup::GroupName',
    'AWS::EC2::SecurityGroup::Id', 'AWS::EC2::Subnet::Id', 'AWS::EC2::Volume::Id',
    'AWS::EC2::VPC::Id', 'AWS::Route53::HostedZone::Id'];
const PARAMETER_TYPES = new Set(['String', 'Number', 'List<Number>', 'CommaDelimitedList',
    'AWS::SSM::Parameter::Name', ...AWS_PARAMETER_TYPES, ...AWS_PARAMETER_TYPES.map((t) => `List<${t}>`)]);
const SSM_PARAMETER_TYPE = /^AWS::SSM::Parameter::Value<.+>$/;

// ---- YAML with CloudFormation's short tags ----

// !Tag X -> { "Fn::Tag": X } (Ref and Condition keep their names);
// !GetAtt A.B -> { "Fn::GetAtt": ["A", "B"] }.
const SHORT = ['Ref', 'Condition', 'Base64', 'Cidr', 'FindInMap', 'GetAtt', 'GetAZs',
    'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'Transform', 'And', 'Equals', 'If',
    'Not', 'Or', 'ToJsonString', 'Length'];

function longName(name) { return name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`; }

function shortTags() {
    const tags = [];
    for (const name of SHORT) {
        const key = longName(name);
        tags.push({
            tag: `!${name}`,
            resolve: (s) => {
                if (name !== 'GetAtt') return { [key]: s };
                const dot = s.indexOf('.');
                return { [key]: dot < 0 ? [s] : [s.slice(0, dot), s.slice(dot + 1)] };
            },
        });
        for (const collection of ['seq', 'map']) {
            tags.push({ tag: `!${name}`, collection, resolve: (node) => ({ [key]: node.toJSON() }) });
        }
    }
    return tags;
}

function parseTemplate(text) {
    const doc = YAML.parseDocument(text, { customTags: shortTags(), uniqueKeys: true });
    if (doc.errors.length) throw new Error(doc.errors.slice(0, 3).map((e) => e.message.split('\n')[0]).join('; '));
    return doc.toJS({ maxAliasCount: 100 });
}

// ---- the specification ----

function loadSpec() {
    return require('@aws-cdk/cfnspec/spec/specification.json');
}

function isObject(v) { return v !== null && typeof v === 'object' && !Array.isArray(v); }

// An intrinsic function or Ref: its value is only known at deploy time.
function isIntrinsic(v) {
    if (!isObject(v)) return false;
    const keys = Object.keys(v);
    return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

class Checker {
    constructor(spec, tpl) {
        this.spec = spec;
        this.tpl = tpl;
        this.errors = [];
        this.resources = isObject(tpl.Resources) ? tpl.Resources : {};
        this.parameters = isObject(tpl.Parameters) ? tpl.Parameters : {};
        this.conditions = isObject(tpl.Conditions) ? tpl.Conditions : {};
    }

    err(where, what) { this.errors.push(`${where}: ${what}`); }

    run() {
        const t = this.tpl;
        if (!isObject(t)) { this.err('template', 'not a mapping'); return this.errors; }
        for (const k of Object.keys(t)) if (!SECTIONS.has(k)) this.err(k, 'unknown top-level section');
        if (t.Transform !== undefined) {
            this.err('Transform', `${JSON.stringify(t.Transform)}: macros (SAM) are not in the resource specification; write plain CloudFormation`);
        }
        if (!isObject(t.Resources) || Object.keys(t.Resources).length === 0) {
            this.err('Resources', 'missing or empty');
        }
        for (const [name, p] of Object.entries(this.parameters)) this.parameter(name, p);
        for (const [name, r] of Object.entries(this.resources)) this.resource(name, r);
        for (const [name, c] of Object.entries(this.conditions)) this.condition(`Conditions.${name}`, c);
        this.refs(t.Resources, 'Resources');
        this.refs(t.Outputs, 'Outputs');
        this.refs(t.Conditions, 'Conditions');
        if (t.Outputs !== undefined) {
            for (const [name, o] of Object.entries(isObject(t.Outputs) ? t.Outputs : {})) {
                if (!isObject(o) || o.Value === undefined) this.err(`Outputs.${name}`, 'no Value');
            }
        }
        return this.errors;
    }

    parameter(name, p) {
        const where = `Parameters.${name}`;
        if (!isObject(p)) { this.err(where, 'not a mapping'); return; }
        for (const k of Object.keys(p)) if (!PARAMETER_KEYS.has(k)) this.err(where, `unknown key ${k}`);
        if (typeof p.Type !== 'string' || !(PARAMETER_TYPES.has(p.Type) || SSM_PARAMETER_TYPE.test(p.Type))) {
            this.err(where, `unknown parameter Type ${JSON.stringify(p.Type)}`);
        }
    }

    // A condition: Fn::Equals of two, Fn::Not of one, Fn::And / Fn::Or of
    // 2 to 10 conditions, or a named one ({"Condition": name}).
    condition(where, c) {
        const ARITY = { 'Fn::Equals': [2, 2], 'Fn::Not': [1, 1], 'Fn::And': [2, 10], 'Fn::Or': [2, 10] };
        const keys = isObject(c) ? Object.keys(c) : [];
        if (keys.length !== 1 || !(keys[0] in ARITY || keys[0] === 'Condition')) {
            this.err(where, 'not a condition function (Fn::Equals, Fn::Not, Fn::And, Fn::Or, Condition)');
            return;
        }
        const [fn] = keys;
        if (fn === 'Condition') return;  // its name: checked with the refs
        const args = c[fn], [lo, hi] = ARITY[fn];
        if (!Array.isArray(args) || args.length < lo || args.length > hi) {
            this.err(where, `${fn} takes ${lo === hi ? lo : `${lo} to ${hi}`} arguments`);
            return;
        }
        if (fn !== 'Fn::Equals') args.forEach((a, i) => this.condition(`${where}.${fn}[${i}]`, a));
    }

    resource(name, r) {
        const where = `Resources.${name}`;
        if (!isObject(r)) { this.err(where, 'not a mapping'); return; }
        for (const k of Object.keys(r)) if (!RESOURCE_KEYS.has(k)) this.err(where, `unknown resource attribute ${k}`);
        const type = this.spec.ResourceTypes[r.Type];
        if (!type) { this.err(where, `unknown resource type ${JSON.stringify(r.Type)}`); return; }
        for (const d of [].concat(r.DependsOn ?? [])) {
            if (!(d in this.resources)) this.err(`${where}.DependsOn`, `no resource ${JSON.stringify(d)}`);
        }
        if (r.Condition !== undefined && !(r.Condition in this.conditions)) {
            this.err(`${where}.Condition`, `no condition ${JSON.stringify(r.Condition)}`);
        }
        for (const k of ['DeletionPolicy', 'UpdateReplacePolicy']) {
            if (r[k] !== undefined && !['Delete', 'Retain', 'Snapshot', 'RetainExceptOnCreate'].includes(r[k])) {
                this.err(`${where}.${k}`, `unknown policy ${JSON.stringify(r[k])}`);
            }
        }
        if (r.Properties !== undefined && !isObject(r.Properties)) {
            this.err(`${where}.Properties`, 'not a mapping');
            return;
        }
        this.properties(`${where}.Properties`, r.Type, type.Properties || {}, r.Properties || {});
    }

    // props: the spec's property map; value: the template's mapping.
    properties(where, rtype, props, value) {
        for (const [k, v] of Object.entries(value)) {
            const p = props[k];
            if (!p) { this.err(where, `unknown property ${k}`); continue; }
            this.value(`${where}.${k}`, rtype, p, v);
        }
        for (const [k, p] of Object.entries(props)) {
            if (p.Required && !(k in value)) this.err(where, `required property ${k} is missing`);
        }
    }

    propertyType(rtype, name) {
        return this.spec.PropertyTypes[`${rtype}.${name}`] || this.spec.PropertyTypes[name];
    }

    // One property's value against its spec entry p.
    value(where, rtype, p, v) {
        if (isIntrinsic(v)) return;
        // A local path that `aws cloudformation package` uploads and
        // replaces with its S3 location.
        if (typeof v === 'string' && (PACKAGED[rtype] || []).includes(where.replace(/^.*\./, ''))) return;
        if (!p.PrimitiveType && !p.Type) return;  // a union of types (SAM's): not checked
        if (p.PrimitiveType) { this.primitive(where, p.PrimitiveType, v); return; }
        if (p.Type === 'List') {
            if (!Array.isArray(v)) { this.err(where, 'must be a list'); return; }
            v.forEach((item, i) => this.item(`${where}[${i}]`, rtype, p, item));
            return;
        }
        if (p.Type === 'Map') {
            if (!isObject(v)) { this.err(where, 'must be a map'); return; }
            for (const [k, item] of Object.entries(v)) this.item(`${where}.${k}`, rtype, p, item);
            return;
        }
        this.object(where, rtype, p.Type, v);
    }

    item(where, rtype, p, v) {
        if (isIntrinsic(v)) return;
        if (p.PrimitiveItemType) this.primitive(where, p.PrimitiveItemType, v);
        else if (p.ItemType) this.object(where, rtype, p.ItemType, v);
    }

    object(where, rtype, typeName, v) {
        const t = this.propertyType(rtype, typeName);
        if (!t) { this.err(where, `no property type ${typeName} in the specification`); return; }
        if (!t.Properties) { if (t.PrimitiveType) this.primitive(where, t.PrimitiveType, v); return; }
        if (!isObject(v)) { this.err(where, `must be a mapping (${typeName})`); return; }
        this.properties(where, rtype, t.Properties, v);
    }

    primitive(where, type, v) {
        if (type === 'Json') {
            if (!isObject(v) && !Array.isArray(v) && typeof v !== 'string') this.err(where, 'must be JSON (a mapping)');
            return;
        }
        if (isObject(v) || Array.isArray(v)) { this.err(where, `must be a ${type}, not a ${Array.isArray(v) ? 'list' : 'mapping'}`); return; }
        if (v === null) { this.err(where, `must be a ${type}, not null`); return; }
        const s = String(v);
        if ((type === 'Integer' || type === 'Long') && !/^-?[0-9]+$/.test(s)) this.err(where, `must be an integer, not ${JSON.stringify(v)}`);
        if (type === 'Double' && !Number.isFinite(Number(s))) this.err(where, `must be a number, not ${JSON.stringify(v)}`);
        if (type === 'Boolean' && !/^(true|false)$/i.test(s)) this.err(where, `must be a boolean, not ${JSON.stringify(v)}`);
    }

    // ---- Ref, Fn::GetAtt, Fn::Sub, everywhere ----

    refs(node, where) {
        if (Array.isArray(node)) { node.forEach((n, i) => this.refs(n, `${where}[${i}]`)); return; }
        if (!isObject(node)) return;
        for (const [k, v] of Object.entries(node)) {
            const at = `${where}.${k}`;
            if (k === 'Ref') this.ref(at, v);
            else if (k === 'Fn::GetAtt') this.getAtt(at, v);
            else if (k === 'Fn::Sub') this.sub(at, v);
            else if (k === 'Fn::If' && (!Array.isArray(v) || v.length !== 3)) {
                this.err(at, 'Fn::If takes [condition, value if true, value if false]');
            }
            else if (k === 'Fn::If' && !(v[0] in this.conditions)) {
                this.err(at, `no condition ${JSON.stringify(v[0])}`);
            }
            else if (k === 'Condition' && typeof v === 'string' && !(v in this.conditions) && Object.keys(node).length === 1) {
                this.err(at, `no condition ${JSON.stringify(v)}`);
            }
            this.refs(v, at);
        }
    }

    known(name) { return name in this.parameters || name in this.resources || PSEUDO.has(name); }

    ref(where, v) {
        if (typeof v !== 'string') { this.err(where, 'Ref takes a name'); return; }
        if (!this.known(v)) this.err(where, `Ref ${v}: no such parameter, resource or pseudo parameter`);
    }

    getAtt(where, v) {
        if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'string') {
            this.err(where, 'Fn::GetAtt takes [Resource, Attribute]');
            return;
        }
        this.attribute(where, v[0], v[1]);
    }

    attribute(where, name, attr) {
        const r = this.resources[name];
        if (!r) { this.err(where, `GetAtt ${name}: no such resource`); return; }
        if (typeof attr !== 'string') return;  // a Ref'd attribute name: known at deploy time
        const type = this.spec.ResourceTypes[r.Type];
        if (!type) return;  // reported with the resource
        const attrs = type.Attributes || {};
        const dynamic = r.Type === 'AWS::CloudFormation::Stack' && attr.startsWith('Outputs.');
        if (!(attr in attrs) && !dynamic) {
            this.err(where, `GetAtt ${name}.${attr}: ${r.Type} has no attribute ${attr} (it has: ${Object.keys(attrs).join(', ') || 'none'})`);
        }
    }

    sub(where, v) {
        let text = v, vars = {};
        if (Array.isArray(v)) {
            [text, vars] = v;
            if (v.length !== 2 || !isObject(vars)) { this.err(where, 'Fn::Sub takes a string or [string, {variables}]'); return; }
        }
        if (typeof text !== 'string') { this.err(where, 'Fn::Sub needs a string'); return; }
        for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
            const name = m[1].trim();
            if (name.startsWith('!')) continue;  // ${!Literal}
            if (name in vars || this.known(name)) continue;
            const dot = name.indexOf('.');
            if (dot > 0 && name.slice(0, dot) in this.resources) {
                this.attribute(where, name.slice(0, dot), name.slice(dot + 1));
                continue;
            }
            this.err(where, `Fn::Sub \${${name}}: no such parameter, resource, attribute or variable`);
        }
    }
}

function checkText(text, spec = loadSpec()) {
    let tpl;
    try {
        tpl = parseTemplate(text);
    } catch (e) {
        return [`YAML: ${e.message}`];
    }
    return new Checker(spec, tpl).run();
}

module.exports = { checkText, parseTemplate, loadSpec };

if (require.main === module) {
    const files = process.argv.slice(2);
    if (files.length === 0) {
        console.error('usage: check.js TEMPLATE...');
        process.exit(2);
    }
    const spec = loadSpec();
    console.log(`# CloudFormation resource specification ${spec.ResourceSpecificationVersion} (@aws-cdk/cfnspec)`);
    let failed = 0;
    files.forEach((f, i) => {
        const errors = checkText(fs.readFileSync(f, 'utf8'), spec);
        if (errors.length) failed++;
        console.log(`${errors.length ? 'not ok' : 'ok'} ${i + 1} - ${f} against the resource specification`);
        for (const e of errors) console.log(`#   ${e}`);
    });
    console.log(`1..${files.length}`);
    process.exit(failed ? 1 : 0);
}

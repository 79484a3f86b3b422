#!/usr/bin/env node
// tests/cfn/worker-ddb.js - the IAM actions of aws/service.yaml's task role
// (and of its DynamoDB endpoint policy) must be exactly the DynamoDB calls
// the worker's code makes; likewise the stream Lambda's role in
// aws/stream/template.yaml for the stream handler's calls.
//
// The calls are derived from the C sources, not listed by hand: every .c
// and .h of the tree (app/, services/, aws/ today, at any depth; not
// tests/, build*/ and other non-source folders) is split into its
// top-level definitions (functions, initialised variables, #defines); from
// a program's main file (main_cruddur.c for the worker) every definition
// whose name is mentioned is followed, so the route table leads to the
// services and they to what they call. The string literals met on the way
// that are DynamoDB operation names are the operations the program sends
// as X-Amz-Target; TransactWriteItems counts as the actions of its items
// ("Put" -> PutItem, ...), as IAM authorises it. The tools and the stream
// processor are other programs, reached from their own main files.
//
// TAP on stdout; exit 1 when any check failed.
'use strict';

const fs = require('fs');
const path = require('path');
const { parseTemplate } = require('./check.js');

const root = path.resolve(__dirname, '..', '..');
// Where the C sources are looked for: the whole tree but for these.
const SKIP_DIRS = new Set(['.git', '.state', 'node_modules', 'tests', 'bench', 'sql', 'etc', 'scripts']);

// The DynamoDB and DynamoDB Streams APIs' operations.
const OPERATIONS = new Set(`BatchExecuteStatement BatchGetItem BatchWriteItem CreateBackup
    CreateGlobalTable CreateTable DeleteBackup DeleteItem DeleteResourcePolicy DeleteTable
    DescribeBackup DescribeContinuousBackups DescribeContributorInsights DescribeEndpoints
    DescribeExport DescribeGlobalTable DescribeGlobalTableSettings DescribeImport
    DescribeKinesisStreamingDestination DescribeLimits DescribeTable
    DescribeTableReplicaAutoScaling DescribeTimeToLive DisableKinesisStreamingDestination
    EnableKinesisStreamingDestination ExecuteStatement ExecuteTransaction
    ExportTableToPointInTime GetItem GetResourcePolicy ImportTable ListBackups
    ListContributorInsights ListExports ListGlobalTables ListImports ListTables
    ListTagsOfResource PutItem PutResourcePolicy Query RestoreTableFromBackup
    RestoreTableToPointInTime Scan TagResource TransactGetItems TransactWriteItems
    UntagResource UpdateContinuousBackups UpdateContributorInsights UpdateGlobalTable
    UpdateGlobalTableSettings UpdateItem UpdateKinesisStreamingDestination UpdateTable
    UpdateTableReplicaAutoScaling UpdateTimeToLive
    DescribeStream GetRecords GetShardIterator ListStreams`.split(/\s+/));
// Items of TransactWriteItems / TransactGetItems and the action IAM checks.
const TRANSACT_ITEMS = {
    TransactWriteItems: { Put: 'PutItem', Delete: 'DeleteItem', Update: 'UpdateItem', ConditionCheck: 'ConditionCheckItem' },
    TransactGetItems: { Get: 'GetItem' },
};

// ---- C sources -> definitions ----

function sourceFiles() {
    const out = [];
    const walk = (dir) => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
            const p = path.join(dir, e.name);
            if (e.isDirectory()) {
                if (!SKIP_DIRS.has(e.name) && !/^build/.test(e.name)) walk(p);
            } else if (/\.[ch]$/.test(e.name)) {
                out.push(p);
            }
        }
    };
    walk(root);
    return out.sort();
}

// Tokens: identifiers, string literals ({str}), punctuation; comments and
// character literals dropped; preprocessor lines as {pp: text}.
function tokenize(src) {
    const toks = [];
    let i = 0, lineStart = true;
    while (i < src.length) {
        const c = src[i];
        if (c === '\n') { lineStart = true; i++; continue; }
        if (c === ' ' || c === '\t' || c === '\r' || c === '\f') { i++; continue; }
        if (c === '/' && src[i + 1] === '*') { const e = src.indexOf('*/', i + 2); i = e < 0 ? src.length : e + 2; continue; }
        if (c === '/' && src[i + 1] === '/') { while (i < src.length && src[i] !== '\n') i++; continue; }
        if (c === '#' && lineStart) {
            let j = i;
            while (j < src.length && !(src[j] === '\n' && src[j - 1] !== '\\')) j++;
            toks.push({ pp: src.slice(i, j).replace(/\\\n/g, ' ') });
            i = j;
            continue;
        }
        lineStart = false;
        if (c === '"' || c === "'") {
            let j = i + 1, s = '';
            while (j < src.length && src[j] !== c) {
                if (src[j] === '\\') { s += src[j] + src[j + 1]; j += 2; } else s += src[j++];
            }
            if (c === '"') {
                // "a" "b" is one literal
                const prev = toks[toks.length - 1];
                if (prev && prev.str !== undefined) prev.str += s; else toks.push({ str: s });
            }
            i = j + 1;
            continue;
        }
        const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 256));
        if (m) { toks.push({ id: m[0] }); i += m[0].length; continue; }
        const n = /^[0-9][0-9A-Za-z_.]*/.exec(src.slice(i, i + 64));
        if (n) { i += n[0].length; continue; }
        toks.push({ p: c });
        i++;
    }
    return toks;
}

// A definition: {name, file, isStatic, ids: Set, strs: []}.
function definitions(file) {
    const defs = [];
    const toks = tokenize(fs.readFileSync(file, 'utf8'));
    const use = (d, t) => { if (t.id) d.ids.add(t.id); else if (t.str !== undefined) d.strs.push(t.str); };
    let item = [];
    let depth = 0, cur = null;
    const finish = () => {
        if (cur) defs.push(cur);
        cur = null;
        item = [];
    };
    const nameOf = (toks0) => {
        // A function: the identifier before the first '(' at depth 0.
        // A variable: the identifier before '=' (or before its '[').
        let paren = 0, lastId = null;
        for (const t of toks0) {
            if (t.p === '(' && paren === 0 && lastId && !toks0.some((x) => x.p === '=')) return lastId;
            if (t.p === '(') paren++;
            if (t.p === ')') paren--;
            if (t.p === '[' && paren === 0 && lastId) return lastId;
            if (t.p === '=' && paren === 0) return lastId;
            if (t.id) lastId = t.id;
        }
        return null;
    };
    for (const t of toks) {
        if (t.pp !== undefined) {
            const m = /^#\s*define\s+([A-Za-z_]\w*)(\([^)]*\))?\s*(.*)$/s.exec(t.pp);
            if (m) {
                const d = { name: m[1], file, isStatic: false, ids: new Set(), strs: [] };
                for (const u of tokenize(m[3])) use(d, u);
                defs.push(d);
            }
            continue;
        }
        if (depth === 0) {
            if (t.p === ';') {
                const name = nameOf(item);
                // Initialised variables only; prototypes and types carry nothing.
                if (!cur && name && item.some((x) => x.p === '=')) {
                    cur = { name, file, isStatic: item.some((x) => x.id === 'static'), ids: new Set(), strs: [] };
                    for (const u of item) use(cur, u);
                }
                finish();
                continue;
            }
            if (t.p === '{') {
                let name = nameOf(item);
                // SERVICE(message_groups) { ... }: a function whose head a
                // macro writes (upper case by convention) is named by the
                // macro's first argument.
                const head = item.filter((x) => x.id !== 'static');
                if (name && /^[A-Z][A-Z0-9_]*$/.test(name) && head[0]?.id === name &&
                    head[1]?.p === '(' && head[2]?.id) name = head[2].id;
                cur = { name: name || '', file, isStatic: item.some((x) => x.id === 'static'), ids: new Set(), strs: [] };
                for (const u of item) use(cur, u);
                depth = 1;
                continue;
            }
            item.push(t);
            continue;
        }
        if (t.p === '{') depth++;
        if (t.p === '}') {
            depth--;
            if (depth === 0) {
                // a function body ends here; an initialiser or type goes on to ';'
                const isFunction = !item.some((x) => x.p === '=') && item.some((x) => x.p === '(');
                if (isFunction) finish();
                continue;
            }
        }
        if (cur) use(cur, t);
    }
    return defs;
}

// Every definition reached from the definitions of mainFile.
function reach(allDefs, mainFile) {
    const byName = new Map();
    for (const d of allDefs) {
        if (!d.name) continue;
        if (!byName.has(d.name)) byName.set(d.name, []);
        byName.get(d.name).push(d);
    }
    const seen = new Set();
    const work = allDefs.filter((d) => d.file === mainFile);
    work.forEach((d) => seen.add(d));
    while (work.length) {
        const d = work.pop();
        for (const id of d.ids) {
            const cands = byName.get(id) || [];
            // A name defined in the same file is that one (statics of the
            // same name elsewhere are other functions); otherwise every
            // non-static definition and every macro of that name.
            const local = cands.filter((c) => c.file === d.file);
            for (const c of local.length ? local : cands.filter((c) => !c.isStatic)) {
                if (!seen.has(c)) { seen.add(c); work.push(c); }
            }
        }
    }
    return [...seen];
}

// {operations, actions, strings} of the program whose main file is mainName.
function program(allDefs, files, mainName) {
    const mainFile = files.find((f) => path.basename(f) === mainName);
    if (!mainFile) return null;
    const strings = new Set(reach(allDefs, mainFile).flatMap((d) => d.strs));
    const operations = [...strings].filter((s) => OPERATIONS.has(s)).sort();
    const actions = new Set();
    for (const op of operations) {
        if (TRANSACT_ITEMS[op]) {
            for (const [item, action] of Object.entries(TRANSACT_ITEMS[op])) {
                if (strings.has(item)) actions.add(`dynamodb:${action}`);
            }
        } else {
            actions.add(`dynamodb:${op}`);
        }
    }
    return { mainFile: path.relative(root, mainFile), operations, actions: [...actions].sort(), strings };
}

// ---- templates -> actions and resources ----

function statements(policyDocument) {
    return [].concat(policyDocument?.Statement ?? []);
}

function roleStatements(tpl, roleName) {
    const role = tpl.Resources?.[roleName];
    return (role?.Properties?.Policies ?? []).flatMap((p) => statements(p.PolicyDocument));
}

function dynamodbActions(stmts, exclude = []) {
    const out = new Set();
    for (const s of stmts) {
        if (s.Effect !== 'Allow') continue;
        for (const a of [].concat(s.Action ?? [])) {
            if (typeof a === 'string' && a.startsWith('dynamodb:') && !exclude.includes(a)) out.add(a);
        }
    }
    return [...out].sort();
}

// The text of a Resource entry: a literal, or the string of its !Sub.
function resourceText(r) {
    if (typeof r === 'string') return r;
    if (r && typeof r === 'object' && 'Fn::Sub' in r) return [].concat(r['Fn::Sub'])[0];
    if (r && typeof r === 'object' && 'Fn::GetAtt' in r) return `\${${r['Fn::GetAtt'].join('.')}}`;
    return JSON.stringify(r);
}

function dynamodbResources(stmts, action) {
    return stmts.filter((s) => s.Effect === 'Allow' && [].concat(s.Action ?? []).includes(action))
        .flatMap((s) => [].concat(s.Resource ?? []).map(resourceText));
}

// ---- the checks ----

const { result, finish } = require('./tap.js');
const same = (a, b) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
const list = (a) => (a.length ? a.join(', ') : '(none)');

const files = sourceFiles();
const allDefs = files.flatMap(definitions);
const worker = program(allDefs, files, 'main_cruddur.c');
const tool = program(allDefs, files, 'main_cruddur-aws.c');
const lambda = program(allDefs, files, 'main_bootstrap.c');

if (!worker) {
    result(false, 'the worker\'s main_cruddur.c is in the source tree');
} else {
    result(worker.actions.length > 0, `the worker's DynamoDB calls, from ${worker.mainFile} on: ${list(worker.operations)}`,
        [`IAM actions: ${list(worker.actions)}`]);

    const service = parseTemplate(fs.readFileSync(path.join(root, 'aws', 'service.yaml'), 'utf8'));
    const task = roleStatements(service, 'TaskRole');
    const taskActions = dynamodbActions(task);
    result(same(taskActions, worker.actions), 'aws/service.yaml TaskRole: exactly the worker\'s DynamoDB actions',
        [`task role: ${list(taskActions)}`, `the code: ${list(worker.actions)}`]);

    const table = '${TableName}';
    const tableArn = `arn:\${AWS::Partition}:dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/${table}`;
    const usesIndex = [...worker.strings].filter((s) => /-index$/.test(s));
    const allowed = new Set([tableArn, ...usesIndex.map((i) => `${tableArn}/index/${i}`)]);
    const taskResources = [...new Set(worker.actions.flatMap((a) => dynamodbResources(task, a)))];
    const foreign = taskResources.filter((r) => !allowed.has(r));
    result(taskResources.length > 0 && foreign.length === 0,
        `aws/service.yaml TaskRole: only the table${usesIndex.length ? ` and ${usesIndex.join(', ')}` : ''}`,
        foreign.map((r) => `also on ${r}`));
    if (usesIndex.length && worker.actions.includes('dynamodb:Query')) {
        const q = dynamodbResources(task, 'dynamodb:Query');
        const missing = usesIndex.filter((i) => !q.includes(`${tableArn}/index/${i}`));
        result(missing.length === 0, `aws/service.yaml TaskRole: Query on the index the worker names (${usesIndex.join(', ')})`,
            missing.map((i) => `no Query on ${i}`));
    }

    const ep = service.Resources?.DynamoDbEndpoint?.Properties;
    const epStmts = statements(ep?.PolicyDocument);
    const epActions = dynamodbActions(epStmts);
    const epResources = epStmts.flatMap((s) => [].concat(s.Resource ?? []).map(resourceText));
    result(ep?.VpcEndpointType === 'Gateway' && same(epActions, worker.actions) &&
        epResources.length > 0 && epResources.every((r) => allowed.has(r)),
        'aws/service.yaml DynamoDbEndpoint: a gateway endpoint whose policy allows the worker\'s actions on the table only',
        [`actions: ${list(epActions)}`, `resources: ${list(epResources)}`]);
}

// The derivation tells the programs apart: the operator's tool creates and
// scans tables, which the worker must not be able to.
if (tool && worker) {
    const toolOnly = tool.operations.filter((o) => !worker.operations.includes(o));
    result(['CreateTable', 'DeleteTable', 'Scan'].every((o) => toolOnly.includes(o)),
        `cruddur-aws (${tool.mainFile}) calls what the worker does not: ${list(toolOnly)}`);
}

// The stream Lambda's role (aws/stream/template.yaml): its item actions are
// exactly the stream handler's; the stream reads are Lambda's own polling.
if (lambda) {
    const stack = parseTemplate(fs.readFileSync(path.join(root, 'aws', 'stream', 'template.yaml'), 'utf8'));
    const streamReads = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'];
    const roleActions = dynamodbActions(roleStatements(stack, 'StreamRole'), streamReads);
    const codeActions = lambda.actions.filter((a) => !streamReads.includes(a));
    result(same(roleActions, codeActions),
        `aws/stream/template.yaml StreamRole: exactly the stream handler's DynamoDB actions (from ${lambda.mainFile}: ${list(lambda.operations)})`,
        [`role: ${list(roleActions)}`, `the code: ${list(codeActions)}`]);
}

finish();

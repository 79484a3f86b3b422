#!/usr/bin/env node
// tests/cfn/selftest.js - the template check (check.js) must be able to
// fail: a small valid template passes, and each broken variant of it, and
// broken copies of the real templates in aws/, fail with the expected
// message. TAP on stdout; exit 1 when any case went wrong.
'use strict';

const fs = require('fs');
const path = require('path');
const { checkText, loadSpec } = require('./check.js');

const spec = loadSpec();
const root = path.resolve(__dirname, '..', '..');

const VALID = `
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  TableName: { Type: String, Default: t }
Conditions:
  HasName: !Not [!Equals [!Ref TableName, ""]]
  Named: !And [!Condition HasName, !Equals [!Ref TableName, t]]
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Ref TableName
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - { AttributeName: pk, AttributeType: S }
      KeySchema:
        - { AttributeName: pk, KeyType: HASH }
      StreamSpecification: { StreamViewType: NEW_IMAGE }
  Queue:
    Type: AWS::SQS::Queue
    DependsOn: Table
    Properties:
      QueueName: !Sub "\${AWS::StackName}-\${TableName}-\${Table.StreamArn}"
      MessageRetentionPeriod: !If [Named, 60, !Ref "AWS::NoValue"]
Outputs:
  Arn: { Value: !GetAtt Table.Arn }
  Joined: { Value: !Join ["", [!GetAtt Table.StreamArn, !Ref "AWS::Region"]] }
`;

// [what, replace this, with that, expected message]
const BROKEN = [
    ['unknown resource type', 'AWS::DynamoDB::Table', 'AWS::DynamoDB::Tabel', /unknown resource type "AWS::DynamoDB::Tabel"/],
    ['unknown property', 'BillingMode:', 'BillingMod:', /unknown property BillingMod$/],
    ['missing required property', '      KeySchema:\n        - { AttributeName: pk, KeyType: HASH }\n', '', /required property KeySchema is missing/],
    ['unknown property of a nested type', 'AttributeType: S', 'AttributeTyp: S', /AttributeDefinitions\[0\]: unknown property AttributeTyp/],
    ['missing required nested property', '{ AttributeName: pk, KeyType: HASH }', '{ AttributeName: pk }', /KeySchema\[0\]: required property KeyType is missing/],
    ['a mapping where a list goes', '      KeySchema:\n        - { AttributeName: pk, KeyType: HASH }\n', '      KeySchema: { AttributeName: pk, KeyType: HASH }\n', /KeySchema: must be a list/],
    ['!GetAtt of an unknown attribute', '!GetAtt Table.Arn', '!GetAtt Table.Arnn', /GetAtt Table.Arnn: AWS::DynamoDB::Table has no attribute Arnn/],
    ['!GetAtt of an unknown resource', '!GetAtt Table.Arn', '!GetAtt Tabel.Arn', /GetAtt Tabel: no such resource/],
    ['!Ref of nothing', '!Ref TableName', '!Ref TableNam', /Ref TableNam: no such parameter/],
    ['!Ref of an unknown pseudo parameter', '!Ref "AWS::Region"', '!Ref "AWS::Regio"', /Ref AWS::Regio: no such/],
    ['!Sub of nothing', '${TableName}', '${TableNam}', /Fn::Sub \$\{TableNam\}: no such/],
    ['!Sub of an unknown attribute', '${Table.StreamArn}', '${Table.Stream}', /GetAtt Table.Stream: AWS::DynamoDB::Table has no attribute/],
    ['DependsOn nothing', 'DependsOn: Table', 'DependsOn: Tabel', /DependsOn: no resource "Tabel"/],
    ['a SAM transform', 'AWSTemplateFormatVersion: "2010-09-09"', 'AWSTemplateFormatVersion: "2010-09-09"\nTransform: AWS::Serverless-2016-10-31', /Transform: .*SAM/],
    ['an unknown parameter type', 'Type: String, Default: t', 'Type: Strin, Default: t', /unknown parameter Type "Strin"/],
    ['a list where a string goes', 'BillingMode: PAY_PER_REQUEST', 'BillingMode: [PAY_PER_REQUEST]', /BillingMode: must be a String, not a list/],
    ['!If of no condition', '!If [Named,', '!If [Namd,', /no condition "Namd"/],
    ['!If without its else', ', 60, !Ref "AWS::NoValue"]', ', 60]', /Fn::If takes \[condition, value if true, value if false\]/],
    ['a condition that is no condition function', 'HasName: !Not', 'HasName: !Join', /Conditions.HasName: not a condition function/],
    ['a !Not of two', '!Not [!Equals [!Ref TableName, ""]]', '!Not [!Equals [!Ref TableName, ""], !Equals [a, b]]', /Fn::Not takes 1 arguments/],
    ['an !And of a value', '!And [!Condition HasName, !Equals', '!And [x, !Equals', /Named.Fn::And\[0\]: not a condition function/],
    ['!Condition of nothing', '!Condition HasName', '!Condition HasNam', /no condition "HasNam"/],
    ['YAML that does not parse', 'Resources:', 'Resources: [', /^YAML:/],
];

const { result, finish } = require('./tap.js');

const base = checkText(VALID, spec);
result(base.length === 0, 'the valid sample template passes', base);

for (const [what, from, to, expect] of BROKEN) {
    if (!VALID.includes(from)) { result(false, `${what}: the sample holds ${JSON.stringify(from)}`); continue; }
    const errors = checkText(VALID.replace(from, to), spec);
    result(errors.some((e) => expect.test(e)), `fails on ${what}`,
        errors.length ? errors : ['no error reported']);
}

// Broken copies of the real templates: each mutation must be caught.
const MUTATIONS = [
    ['a misspelt property', /^( {6})(\w+):/m, '$1$2Typo:', /unknown property \w+Typo/],
    ['a !GetAtt of a missing attribute', /!GetAtt (\w+)\.[\w.]+/, '!GetAtt $1.NoSuchAttribute', /has no attribute NoSuchAttribute/],
    ['a !Ref of nothing', /!Ref (\w+)/, '!Ref $1Missing', /Ref \w+Missing: no such/],
    ['a misspelt resource type', /^( {4}Type: AWS::\w+::)(\w+)$/m, '$1$2x', /unknown resource type/],
    ['a misspelt parameter type', /^( {4}Type: )(String|Number)$/m, '$1$2x', /unknown parameter Type/],
];
// Every template under aws/, at any depth.
const templates = (dir) => fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? templates(path.join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [path.join(dir, e.name)] : []);
for (const file of templates('aws').sort()) {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    for (const [what, re, to, expect] of MUTATIONS) {
        const broken = text.replace(re, to);
        if (broken === text) { result(false, `${file} with ${what}: nothing to mutate`); continue; }
        const errors = checkText(broken, spec);
        result(errors.some((e) => expect.test(e)), `${file} with ${what} fails`,
            errors.length ? errors.slice(0, 3) : ['no error reported']);
    }
}

finish();

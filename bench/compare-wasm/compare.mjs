// Times the official Cedar (@cedar-policy/cedar-wasm, the Rust implementation compiled to
// WebAssembly) over the Cedar integration-test corpus, the same requests the C#
// CorpusBenchmarks time. Policy sets and schemas are pre-parsed once per test file
// (preparsePolicySet / preparseSchema); entities are passed as already-parsed JavaScript
// objects, since the WebAssembly API takes them with every call.
//
// Usage: node compare.mjs CORPUS_DIR   (CORPUS_DIR: the extracted corpus.tar.gz)
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const cedar = require('@cedar-policy/cedar-wasm/nodejs');

const root = process.argv[2];
if (!root) {
  console.error('usage: node compare.mjs CORPUS_DIR');
  process.exit(2);
}

function testFiles(dir) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...testFiles(full));
    else if (entry.name.endsWith('.json') && !entry.name.endsWith('.entities.json')) found.push(full);
  }
  return found;
}

const calls = [];
let fileCount = 0;
for (const file of testFiles(root)) {
  const test = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (typeof test.policies !== 'string' || !Array.isArray(test.requests)) continue;
  const id = `p${fileCount++}`;
  const policies = fs.readFileSync(path.join(root, test.policies), 'utf8');
  const parsed = cedar.preparsePolicySet(id, { staticPolicies: policies });
  if (parsed.type !== 'success') throw new Error(`${file}: ${JSON.stringify(parsed.errors)}`);
  let schemaName;
  if (typeof test.schema === 'string') {
    const schema = cedar.preparseSchema(id, fs.readFileSync(path.join(root, test.schema), 'utf8'));
    if (schema.type === 'success') schemaName = id;
  }
  const entities = JSON.parse(fs.readFileSync(path.join(root, test.entities), 'utf8'));
  for (const request of test.requests) {
    calls.push({
      expected: request.decision.toLowerCase(),
      call: {
        principal: request.principal,
        action: request.action,
        resource: request.resource,
        context: request.context,
        preparsedPolicySetId: id,
        preparsedSchemaName: schemaName,
        validateRequest: false,
        entities,
      },
    });
  }
}

let agree = 0;
for (const { call, expected } of calls) {
  const answer = cedar.statefulIsAuthorized(call);
  if (answer.type === 'success' && answer.response.decision === expected) agree++;
}

const rounds = 3;
const start = process.hrtime.bigint();
for (let round = 0; round < rounds; round++) {
  for (const { call } of calls) cedar.statefulIsAuthorized(call);
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const perRequest = (seconds / (calls.length * rounds)) * 1e6;
console.log(`cedar-wasm ${cedar.getCedarVersion()}: ${calls.length} requests in ${fileCount} files, ` +
  `${agree} decisions as expected; ${perRequest.toFixed(1)} µs per request, ` +
  `${Math.round(1e6 / perRequest)} requests/s on one thread`);

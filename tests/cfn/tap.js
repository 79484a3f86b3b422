// tap.js - the TAP the template checks print: one line a check (with its
// details as comments), then the plan; the exit status says whether all
// passed.
'use strict';

let n = 0, failed = 0;

function result(good, what, detail = []) {
    n++;
    if (!good) failed++;
    console.log(`${good ? 'ok' : 'not ok'} ${n} - ${what}`);
    for (const d of detail) console.log(`#   ${d}`);
}

// The plan, and exit 1 when any check failed.
function finish() {
    console.log(`1..${n}`);
    process.exit(failed ? 1 : 0);
}

module.exports = { result, finish };

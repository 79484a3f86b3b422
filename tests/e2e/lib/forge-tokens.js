// forge-tokens.js - signs the hostile tokens of tests/e2e/60-bad-input.t.
//
// Reads on stdin a JSON array of {header, claims, sign} and prints one token
// per line. sign is one of:
//   "pool"      RS256/RS384/RS512/PS256 (header.alg) with the key cognito-local
//               signs with, i.e. a key the workers trust: only the claims can
//               be wrong;
//   "attacker"  the same algorithm with a fresh RSA key nobody trusts;
//   "hs-pub"    HS256 keyed with the pool's *public* key (the classic
//               alg-confusion forgery);
//   "none"      no signature at all.
// The pool key's file is argv[2] (cognito-local ships it as a JWK).
'use strict';
const crypto = require('crypto');
const fs = require('fs');

const poolJwk = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')).jwk;
const pool = crypto.createPrivateKey({ key: poolJwk, format: 'jwk' });
const poolPub = crypto.createPublicKey(pool).export({ type: 'spki', format: 'pem' });
const attacker = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

const b64u = (buf) => Buffer.from(buf).toString('base64url');

function signRsa(alg, key, input) {
    const bits = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512', PS256: 'sha256' }[alg];
    if (!bits) throw new Error(`no RSA algorithm ${alg}`);
    const opts = { key };
    if (alg.startsWith('PS')) {
        opts.padding = crypto.constants.RSA_PKCS1_PSS_PADDING;
        opts.saltLength = 32;
    }
    return crypto.sign(bits, Buffer.from(input), opts);
}

function forge(t) {
    const input = b64u(JSON.stringify(t.header)) + '.' + b64u(JSON.stringify(t.claims));
    let sig;
    switch (t.sign) {
    case 'pool': sig = signRsa(t.header.alg, pool, input); break;
    case 'attacker': sig = signRsa(t.header.alg, attacker, input); break;
    case 'hs-pub': sig = crypto.createHmac('sha256', poolPub).update(input).digest(); break;
    case 'none': sig = Buffer.alloc(0); break;
    default: throw new Error(`unknown signing ${t.sign}`);
    }
    return input + '.' + b64u(sig);
}

const specs = JSON.parse(fs.readFileSync(0, 'utf8'));
process.stdout.write(specs.map(forge).join('\n') + '\n');

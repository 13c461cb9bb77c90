// A real OpenID Connect provider (panva's certified oidc-provider) for Homeward's tests.
//
// Started by homeward/accounts/tests/oidc_provider.py on a free loopback port, never on
// another address. It stands in for a council's Microsoft Entra ID: made-up people sign in
// on its own page by typing their email (no password), optionally saying they used a
// second factor, and it signs ID tokens with an RS256 key made at start (published at
// /jwks). It prints "ready" once it listens.
//
// Environment: OIDC_TEST_PORT, OIDC_TEST_CLIENT_ID, OIDC_TEST_CLIENT_SECRET,
// OIDC_TEST_REDIRECT_URIS (space-separated), OIDC_TEST_PEOPLE (JSON: email -> claims).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_TEST_PORT);
const issuer = `http://127.0.0.1:${port}`;
const clientId = process.env.OIDC_TEST_CLIENT_ID;
const people = JSON.parse(process.env.OIDC_TEST_PEOPLE || '{}');

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: 'test' };

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: process.env.OIDC_TEST_CLIENT_SECRET,
    redirect_uris: process.env.OIDC_TEST_REDIRECT_URIS.split(' '),
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_post',
    id_token_signed_response_alg: 'RS256',
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  // amr says how the person signed in (RFC 8176), in every ID token, as Entra ID's does.
  claims: { amr: null, openid: ['sub', 'amr'], email: ['email', 'email_verified'], profile: ['name'] },
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => false },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  // The person's claims are what the test said: their email, whether it is verified, and
  // a "groups"/"roles" claim Homeward must ignore.
  async findAccount(ctx, sub) {
    if (!people[sub]) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...people[sub] }) };
  },
  // A council's own application: consent is given by the council, not asked of each person.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(ctx.oidc.requestParamScopes ? [...ctx.oidc.requestParamScopes].join(' ') : 'openid');
    grant.addOIDCClaims(['email', 'email_verified', 'name']);
    await grant.save();
    return grant;
  },
});

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(uid) {
  return `<!doctype html><html lang="en"><head><title>Made-up council sign-in</title></head>
<body><main><h1>Made-up council sign-in</h1>
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="login">Email address</label> <input id="login" name="login" type="text">
<input id="mfa" name="mfa" type="checkbox" value="yes"> <label for="mfa">I used my second factor</label>
<button type="submit">Continue</button></form></main></body></html>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

async function interaction(req, res) {
  const match = req.url.match(/^\/interaction\/([^/?]+)(\/login)?/);
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== match[1]) throw new Error('interaction mismatch');
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page(details.uid));
    return;
  }
  const form = await readForm(req);
  const email = form.get('login');
  if (!people[email]) {
    res.writeHead(400, { 'content-type': 'text/plain' });
    res.end(`No made-up person ${email} at this provider`);
    return;
  }
  const amr = form.get('mfa') === 'yes' ? ['pwd', 'mfa'] : ['pwd'];
  await provider.interactionFinished(req, res, { login: { accountId: email, amr } }, { mergeWithLastSubmission: false });
}

const handle = provider.callback();
http.createServer((req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((error) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  } else {
    handle(req, res);
  }
}).listen(port, '127.0.0.1', () => console.log('ready'));

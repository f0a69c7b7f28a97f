// CMAG legal-officer console: search the audit log, open a case timeline, check the chain, export CSV and evidence.
// Vanilla JS, no build step. Data is only ever inserted as text (never as HTML). With gateway.auth.mode=keycloak the
// officer logs in with OpenID Connect (authorization code + PKCE, public client) and every API call carries the token.
(function () {
  'use strict';

  const API = '/api/v1/audit';
  const FILTERS = ['case', 'partner', 'from', 'to', 'messageType', 'legalBasis', 'purpose', 'outcome', 'eventType', 'errorCode'];
  const state = { config: null, token: null, cursors: [null], page: 0, next: null, lastQuery: '', caseId: null };
  const $ = (id) => document.getElementById(id);

  // ---- login (mode keycloak) ----------------------------------------------------------------------------------------

  function base64url(bytes) {
    let s = '';
    bytes.forEach((b) => { s += String.fromCharCode(b); });
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function randomString() {
    const bytes = new Uint8Array(32);
    crypto.getRandomValues(bytes);
    return base64url(bytes);
  }

  async function discovery(issuer) {
    const r = await fetch(issuer.replace(/\/$/, '') + '/.well-known/openid-configuration');
    if (!r.ok) {
      throw new Error('The identity provider did not answer (' + r.status + ')');
    }
    return r.json();
  }

  function redirectUri() {
    return window.location.origin + '/console/';
  }

  async function login() {
    const meta = await discovery(state.config.issuer);
    const verifier = randomString();
    const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
    const stateValue = randomString();
    sessionStorage.setItem('cmag.pkce', JSON.stringify({ verifier: verifier, state: stateValue }));
    const q = new URLSearchParams({
      response_type: 'code', client_id: state.config.clientId, redirect_uri: redirectUri(), scope: 'openid',
      code_challenge: challenge, code_challenge_method: 'S256', state: stateValue
    });
    window.location.assign(meta.authorization_endpoint + '?' + q.toString());
  }

  async function completeLogin(params) {
    const saved = JSON.parse(sessionStorage.getItem('cmag.pkce') || 'null');
    sessionStorage.removeItem('cmag.pkce');
    history.replaceState(null, '', '/console/');
    if (!saved || saved.state !== params.get('state')) {
      throw new Error('The login answer does not belong to this session; please log in again');
    }
    const meta = await discovery(state.config.issuer);
    const r = await fetch(meta.token_endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code', code: params.get('code'), redirect_uri: redirectUri(),
        client_id: state.config.clientId, code_verifier: saved.verifier
      })
    });
    if (!r.ok) {
      throw new Error('The identity provider refused the login (' + r.status + ')');
    }
    const tokens = await r.json();
    sessionStorage.setItem('cmag.token', tokens.access_token);
    return tokens.access_token;
  }

  function officerName(token) {
    try {
      const claims = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
      return claims.preferred_username || claims.azp || claims.sub || '';
    } catch (e) {
      return '';
    }
  }

  async function authenticate() {
    const r = await fetch('/console/config.json');
    state.config = await r.json();
    if (state.config.authMode !== 'keycloak') {
      $('who').textContent = 'No login (gateway.auth.mode=none)';
      return true;
    }
    const params = new URLSearchParams(window.location.search);
    if (params.get('error')) {
      throw new Error('Login failed: ' + params.get('error'));
    }
    if (params.get('code')) {
      state.token = await completeLogin(params);
    } else {
      state.token = sessionStorage.getItem('cmag.token');
    }
    if (!state.token) {
      await login();
      return false;
    }
    $('who').textContent = 'Logged in as ' + officerName(state.token);
    return true;
  }

  // ---- API ------------------------------------------------------------------------------------------------------------

  async function call(path) {
    const headers = state.token ? { Authorization: 'Bearer ' + state.token } : {};
    const r = await fetch(API + path, { headers: headers });
    if (r.status === 401 && state.config.authMode === 'keycloak') {
      sessionStorage.removeItem('cmag.token');
      await login();
      throw new Error('Your login has expired; logging in again');
    }
    if (!r.ok) {
      let problem = null;
      try {
        problem = await r.json();
      } catch (e) {
        // not a problem document
      }
      const err = new Error(problem && problem.code
        ? 'error ' + problem.code + ': ' + problem.detail + (problem.pointer ? ' (' + problem.pointer + ')' : '')
        : 'error http_' + r.status);
      err.code = problem && problem.code;
      throw err;
    }
    return r;
  }

  function showMessage(text, info) {
    const m = $('message');
    m.textContent = text;
    m.className = info ? 'message info' : 'message';
    m.hidden = !text;
  }

  async function guarded(work) {
    try {
      showMessage('');
      await work();
    } catch (e) {
      showMessage(e.message);
    }
  }

  async function download(path, fallbackName) {
    const r = await call(path);
    const blob = await r.blob();
    const disposition = r.headers.get('Content-Disposition') || '';
    const match = /filename="([^"]+)"/.exec(disposition);
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = match ? match[1] : fallbackName;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 60000);
    showMessage('Downloaded ' + a.download, true);
  }

  // ---- search and results ------------------------------------------------------------------------------------------

  function query() {
    const q = new URLSearchParams();
    FILTERS.forEach((name) => {
      const v = $('f-' + name).value.trim();
      if (v) {
        q.set(name, v);
      }
    });
    return q;
  }

  function cell(tr, text, className) {
    const td = document.createElement('td');
    td.textContent = text == null ? '' : String(text);
    if (className) {
      td.className = className;
    }
    tr.appendChild(td);
    return td;
  }

  function direction(d) {
    return d === 'outbound' ? 'Sent \u2192' : d === 'inbound' ? '\u2190 Received' : '';
  }

  // One table row per audit event; a column is a function that appends its cell. Rows of refusals and failures stand out.
  function fillTable(tableId, events, columns) {
    const body = $(tableId).tBodies[0];
    body.replaceChildren();
    events.forEach((e) => {
      const tr = document.createElement('tr');
      if (e.outcome !== 'OK') {
        tr.className = e.outcome.toLowerCase();
      }
      columns.forEach((add) => add(tr, e));
      body.appendChild(tr);
    });
  }

  const column = {
    seq: (tr, e) => cell(tr, e.seq),
    time: (tr, e) => cell(tr, e.occurredAt.replace('T', ' ').replace('Z', '')),
    type: (tr, e) => cell(tr, e.type),
    outcome: (tr, e) => cell(tr, e.outcome, 'outcome-' + e.outcome),
    actor: (tr, e) => cell(tr, e.actor),
    partner: (tr, e) => cell(tr, e.partner),
    direction: (tr, e) => cell(tr, direction(e.direction)),
    errorCode: (tr, e) => cell(tr, e.errorCode),
    detail: (tr, e) => cell(tr, e.detail, 'detail'),
    caseLink: (tr, e) => {
      const c = cell(tr, '');
      if (e.caseId) {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'link case-link';
        b.textContent = e.caseId;
        b.title = 'Open the timeline of case ' + e.caseId;
        b.addEventListener('click', () => guarded(() => openCase(e.caseId)));
        c.appendChild(b);
      }
    }
  };

  function renderResults(page) {
    fillTable('results', page.events, [column.seq, column.time, column.type, column.outcome, column.actor, column.partner, column.caseLink,
      (tr, e) => cell(tr, e.messageType), column.direction, column.errorCode,
      (tr, e) => cell(tr, e.withheld ? 'Withheld by policy: ' + e.withheld + ' - ' + (e.detail || '') : e.detail, 'detail')]);
    state.next = page.next;
    $('prev-page').disabled = state.page === 0;
    $('next-page').disabled = page.next == null;
    $('page-info').textContent = 'Page ' + (state.page + 1);
    $('results-summary').textContent = page.events.length === 0
      ? 'No records match this search.'
      : 'Showing ' + page.events.length + (page.events.length === 1 ? ' record' : ' records') + ' (#' + page.events[0].seq + ' to #' + page.events[page.events.length - 1].seq + ')'
        + (page.next == null ? '; no older records.' : '; use "Older" for more.');
  }

  async function loadPage() {
    const q = new URLSearchParams(state.lastQuery);
    q.set('limit', $('f-limit').value);
    const cursor = state.cursors[state.page];
    if (cursor != null) {
      q.set('before', cursor);
    }
    const r = await call('/events?' + q.toString());
    const page = await r.json();
    if (state.page === 0 && cursor == null && page.events.length > 0) {
      // pin the first page: "Newer" comes back to exactly these records (a new search shows what was added since)
      state.cursors[0] = page.events[0].seq + 1;
    }
    renderResults(page);
  }

  async function search() {
    state.lastQuery = query().toString();
    state.cursors = [null];
    state.page = 0;
    showTimeline(false);
    await loadPage();
  }

  // ---- case timeline ------------------------------------------------------------------------------------------------

  function showTimeline(show) {
    $('timeline-section').hidden = !show;
    $('search-section').hidden = show;
    $('results-section').hidden = show;
  }

  function summaryRow(dl, term, value) {
    if (value == null || value === '') {
      return;
    }
    const dt = document.createElement('dt');
    dt.textContent = term;
    const dd = document.createElement('dd');
    dd.textContent = String(value);
    dl.append(dt, dd);
  }

  async function openCase(caseId) {
    const r = await call('/cases/' + encodeURIComponent(caseId) + '/timeline');
    const t = await r.json();
    state.caseId = caseId;
    $('timeline-heading').textContent = 'Case timeline: ' + caseId;
    const dl = $('case-summary');
    dl.replaceChildren();
    const k = t.case || {};
    summaryRow(dl, 'Our role', k.role);
    summaryRow(dl, 'Partner', k.partner);
    summaryRow(dl, 'Request type', k.requestType);
    summaryRow(dl, 'Legal basis', k.legalBasis);
    summaryRow(dl, 'Purpose', k.purpose);
    summaryRow(dl, 'State', k.state === undefined ? undefined : k.state + (k.overdue ? ' (overdue)' : ''));
    summaryRow(dl, 'Records', t.events.length);
    fillTable('timeline', t.events, [column.seq, column.time, column.direction, column.type, column.outcome, column.actor,
      (tr, e) => cell(tr, [e.messageType, e.messageId].filter(Boolean).join(' ')), column.errorCode,
      (tr, e) => cell(tr, e.withheld, 'withheld'), column.detail]);
    showTimeline(true);
    $('timeline-heading').focus();
  }

  // ---- chain status -------------------------------------------------------------------------------------------------

  async function verifyChain() {
    const badge = $('chain-status');
    badge.className = 'badge unknown';
    badge.textContent = 'Checking the chain\u2026';
    try {
      const r = await call('/chain');
      const c = await r.json();
      badge.className = 'badge ' + c.status;
      badge.textContent = c.status === 'intact'
        ? 'Chain intact: ' + c.records + ' records, ' + c.checkpoints + ' signed checkpoints (checked '
          + c.checkedAt.replace('T', ' ').replace(/\..*$|Z$/, '') + ' UTC)'
        : 'Chain BROKEN: ' + c.problem;
      badge.title = 'Head hash ' + c.headHash;
    } catch (e) {
      badge.className = 'badge unknown';
      badge.textContent = 'Chain status unavailable';
      throw e;
    }
  }

  // ---- wiring -------------------------------------------------------------------------------------------------------

  function wire() {
    $('timeline-heading').tabIndex = -1;
    $('search-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      guarded(search);
    });
    $('clear').addEventListener('click', () => setTimeout(() => guarded(search), 0));
    $('next-page').addEventListener('click', () => guarded(async () => {
      state.cursors[state.page + 1] = state.next;
      state.page += 1;
      await loadPage();
    }));
    $('prev-page').addEventListener('click', () => guarded(async () => {
      state.page = Math.max(0, state.page - 1);
      await loadPage();
    }));
    $('download-csv').addEventListener('click', () => guarded(() => download('/events.csv?' + query().toString(), 'audit-events.csv')));
    $('verify-chain').addEventListener('click', () => guarded(verifyChain));
    $('back-to-results').addEventListener('click', () => showTimeline(false));
    $('export-evidence').addEventListener('click', () => guarded(() =>
      download('/cases/' + encodeURIComponent(state.caseId) + '/bundle', 'evidence-' + state.caseId + '.zip')));
  }

  document.addEventListener('DOMContentLoaded', () => {
    wire();
    guarded(async () => {
      if (await authenticate()) {
        await verifyChain();
        await search();
      }
    });
  });
}());

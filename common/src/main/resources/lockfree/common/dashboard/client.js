// "Try it": a complete client of docs/PROTOCOL.md, small enough to read as a reference.
// One WebSocket per tab, so two tabs are two users. Every frame is logged exactly as sent (→) and
// received (←), and every close with its code. Text is shown with textContent, never as HTML:
// "data" is whatever another user typed.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const CLOSE_CODES = {
    1000: 'normal', 1001: 'gateway shutting down', 1003: 'binary frame', 1006: 'connection lost',
    1008: 'bad or expired token', 1009: 'message too big',
    4000: 'kicked: logged in elsewhere', 4001: 'slow consumer', 4002: 'idle timeout',
  };
  const MAX_LOG = 200;
  let ws = null;
  let nextId = 1;

  function log(kind, text) {
    const li = document.createElement('li');
    li.className = kind;
    li.textContent = text;
    $('log').prepend(li); // newest first
    while ($('log').childElementCount > MAX_LOG) $('log').lastElementChild.remove();
  }

  function setConnected(open) {
    $('login').disabled = open;
    $('uid').disabled = open;
    $('token').disabled = open;
    $('disconnect').disabled = !open;
    for (const id of ['send', 'multicast', 'broadcast', 'ping']) $(id).disabled = !open;
  }

  function send(frame) {
    const text = JSON.stringify(frame);
    ws.send(text);
    log('out', '→ ' + text);
  }

  function onFrame(text) {
    let frame;
    try { frame = JSON.parse(text); } catch { frame = {}; }
    log('in ' + (frame.op || 'unknown'), '← ' + text);
    if (frame.op === 'login_ok') $('status').textContent = `logged in as uid ${frame.uid} (session ${frame.sid})`;
  }

  // Positive integers only. JSON numbers above 2^53 lose precision in JavaScript, so this client
  // refuses them rather than sending a different uid.
  function uids(text) {
    const list = text.split(/[\s,]+/).filter((s) => s !== '').map(Number);
    if (list.length === 0 || !list.every((n) => Number.isSafeInteger(n) && n > 0)) {
      throw new Error('uids are positive integers, e.g. 7 or 7, 8, 9');
    }
    return list;
  }

  // "data" may be any JSON value; what is not valid JSON is sent as a string.
  function data() {
    const text = $('data').value;
    try { return JSON.parse(text); } catch { return text; }
  }

  function login(event) {
    event.preventDefault();
    let uid;
    try { [uid] = uids($('uid').value); } catch (e) { log('local', e.message); return; }
    const url = new URL('/ws', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    ws = new WebSocket(url);
    $('status').textContent = 'connecting...';
    setConnected(true);
    ws.onopen = () => {
      const token = $('token').value.trim();
      send(token ? { op: 'login', uid, token } : { op: 'login', uid });
    };
    ws.onmessage = (e) => onFrame(e.data);
    ws.onclose = (e) => {
      const meaning = CLOSE_CODES[e.code] || '';
      log('closed', `closed ${e.code} ${meaning}${e.reason ? ' (' + e.reason + ')' : ''}`);
      $('status').textContent = `not connected (last close: ${e.code} ${meaning})`;
      setConnected(false);
      ws = null;
    };
  }

  // Each button is one op; the id makes the gateway answer with an ack.
  function op(name) {
    try {
      const id = 'm-' + nextId++;
      if (name === 'send') {
        const to = uids($('to').value);
        if (to.length !== 1) throw new Error('send goes to one uid; use multicast for several');
        send({ op: 'send', to: to[0], data: data(), id });
      } else if (name === 'multicast') {
        send({ op: 'multicast', to: uids($('to').value), data: data(), id });
      } else if (name === 'broadcast') {
        send({ op: 'broadcast', data: data(), id });
      } else {
        send({ op: 'ping' });
      }
    } catch (e) {
      log('local', e.message);
    }
  }

  $('login-form').addEventListener('submit', login);
  $('disconnect').addEventListener('click', () => ws && ws.close(1000));
  $('send-form').addEventListener('submit', (e) => { e.preventDefault(); op('send'); });
  for (const name of ['multicast', 'broadcast', 'ping']) $(name).addEventListener('click', () => op(name));
  $('clear').addEventListener('click', () => $('log').replaceChildren());

  // A gateway with a secret needs a token at login (mint one with the jar's "token" command).
  fetch('/api/info').then((r) => r.json()).then((info) => { $('token-label').hidden = !info.secret; });
})();

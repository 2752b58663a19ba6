'use strict';
// The stress tool's "ws" peer (docs/STRESS.md, "Two peers"): what a Node.js team would write
// instead of the gateway, on the ws package with its defaults. It is a measurement fixture, not a
// gateway: it speaks the part of docs/PROTOCOL.md the tool's scenarios use, and nothing else.
//
//   node --expose-gc server.js --port 18080
//
// WebSocket on /ws: login (any uid, no token) -> login_ok; send -> msg to the recipient and, with
// an id, ack ok or offline. HTTP: POST /push ({"to":[...]} or {"all":true}) -> 202 {"accepted":n};
// GET /health; GET /metrics with the one counter the tool reads; GET /heap (below). Anything else
// on the WebSocket closes the connection, as the limit server does.

const http = require('node:http');
const { WebSocketServer, WebSocket } = require('ws');

function flag(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const port = Number(flag('--port'));
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('usage: node server.js --port P');
  process.exit(2);
}

// uid -> the socket it logged in on. One thread: no locking, nothing shared.
const users = new Map();

// The peer never refuses a message (ws buffers without bound), so its drop counter stays 0.
const METRICS = '# The ws peer keeps no bounded queue, so it never refuses a message.\n'
  + 'gateway_pushes_dropped_total 0\n';

/*
 * The raw text of the top-level field `name` of a JSON object already checked by JSON.parse.
 * `data` must reach the recipient as the sender wrote it (docs/PROTOCOL.md), and a JavaScript
 * number is a double: the tool's send time, a nanosecond clock, can exceed 2^53 and would come
 * back rounded from JSON.parse + JSON.stringify. So the value is copied as text.
 */
function rawField(text, name) {
  let i = text.indexOf('{') + 1;
  while (i > 0 && i < text.length) {
    i = skipSpace(text, i);
    if (text[i] !== '"') return undefined;
    const keyEnd = skipString(text, i);
    const key = JSON.parse(text.slice(i, keyEnd));
    i = skipSpace(text, keyEnd) + 1; // past ':'
    const start = skipSpace(text, i);
    const end = skipValue(text, start);
    if (key === name) return text.slice(start, end);
    i = skipSpace(text, end);
    if (text[i] !== ',') return undefined;
    i++;
  }
  return undefined;
}

function skipSpace(t, i) {
  while (t[i] === ' ' || t[i] === '\n' || t[i] === '\r' || t[i] === '\t') i++;
  return i;
}

// Past the closing quote of the string that starts at i.
function skipString(t, i) {
  for (i++; t[i] !== '"'; i++) {
    if (t[i] === '\\') i++;
  }
  return i + 1;
}

// Past the value that starts at i (the text is valid JSON: JSON.parse has read it).
function skipValue(t, i) {
  const c = t[i];
  if (c === '"') return skipString(t, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    for (; i < t.length; i++) {
      const d = t[i];
      if (d === '"') { i = skipString(t, i) - 1; continue; }
      if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') { depth--; if (depth === 0) return i + 1; }
    }
    return i;
  }
  while (i < t.length && !',}] \n\r\t'.includes(t[i])) i++;
  return i;
}

function parse(text) {
  try {
    const v = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function isUid(v) {
  return Number.isSafeInteger(v) && v > 0;
}

function msgFrame(from, rawData) {
  return '{"op":"msg","from":' + from + ',"data":' + rawData + '}';
}

// ---- HTTP: health, metrics, heap, push --------------------------------------------------

function respond(res, status, body, type) {
  res.writeHead(status, { 'Content-Type': type || 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function push(text, res) {
  const body = parse(text);
  const rawData = body && rawField(text, 'data');
  const targets = body && (body.all === true ? 'all' : Array.isArray(body.to) && body.to.every(isUid) ? body.to : null);
  if (rawData === undefined || !targets) {
    respond(res, 400, '{"error":"bad_request","msg":"a push is {\\"to\\":[uids],\\"data\\":...} or {\\"all\\":true,\\"data\\":...}"}');
    return;
  }
  // One string for every recipient: ws frames it per socket.
  const frame = msgFrame(0, rawData);
  let accepted = 0;
  const deliver = (ws) => {
    if (ws.readyState === WebSocket.OPEN) {
      ws.send(frame);
      accepted++;
    }
  };
  if (targets === 'all') {
    users.forEach(deliver);
  } else {
    for (const uid of new Set(targets)) {
      const ws = users.get(uid);
      if (ws) deliver(ws);
    }
  }
  respond(res, 202, '{"accepted":' + accepted + '}');
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') {
    respond(res, 200, '{"status":"ok","stage":"peer-ws","users":' + users.size + '}');
  } else if (req.method === 'GET' && req.url === '/metrics') {
    respond(res, 200, METRICS, 'text/plain; version=0.0.4');
  } else if (req.method === 'GET' && req.url === '/heap') {
    // The tool's heap reading for this peer: what a JVM's jcmd GC.class_histogram gives for the
    // gateways, live heap after a full collection. gc() exists because the tool starts node with
    // --expose-gc; it is called only here, between the measured phases.
    if (typeof global.gc === 'function') global.gc();
    respond(res, 200, '{"heapUsed":' + process.memoryUsage().heapUsed + '}');
  } else if (req.method === 'POST' && req.url === '/push') {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => push(Buffer.concat(chunks).toString('utf8'), res));
  } else {
    respond(res, 404, '{"error":"not_found"}');
  }
});

// ---- WebSocket: login and send ----------------------------------------------------------

// The ws package's defaults throughout (no permessage-deflate, its 100 MiB payload limit, client
// tracking on): what its README shows for a server sharing an HTTP server.
const wss = new WebSocketServer({ server, path: '/ws' });

wss.on('connection', (ws) => {
  let uid = 0;
  ws.on('message', (bytes, isBinary) => {
    const text = isBinary ? undefined : bytes.toString('utf8');
    const m = text === undefined ? undefined : parse(text);
    if (m && m.op === 'send' && uid > 0 && isUid(m.to)) {
      const rawData = rawField(text, 'data');
      if (rawData === undefined) {
        ws.close();
        return;
      }
      const to = users.get(m.to);
      const online = to !== undefined && to.readyState === WebSocket.OPEN;
      if (online) to.send(msgFrame(uid, rawData));
      const rawId = rawField(text, 'id');
      if (rawId !== undefined) {
        ws.send('{"op":"ack","id":' + rawId + ',"status":"' + (online ? 'ok' : 'offline') + '"}');
      }
    } else if (m && m.op === 'login' && uid === 0 && isUid(m.uid)) {
      uid = m.uid;
      const before = users.get(uid);
      users.set(uid, ws);
      if (before) before.close(); // one connection per user, as the gateways keep it
      ws.send('{"op":"login_ok","uid":' + uid + ',"sid":"' + uid + '"}');
    } else {
      // Outside the subset the tool speaks: not a gateway, so no error frames.
      ws.close();
    }
  });
  ws.on('close', () => {
    if (uid > 0 && users.get(uid) === ws) users.delete(uid); // a re-login elsewhere replaced it: keep that one
  });
  ws.on('error', () => ws.terminate());
});

server.listen(port, '127.0.0.1', () => {
  console.log('ws peer (node ' + process.version + ', ws) listening on 127.0.0.1:' + server.address().port);
});

// SIGTERM is the tool's stop: close every socket and exit.
process.on('SIGTERM', () => {
  wss.clients.forEach((ws) => ws.terminate());
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});

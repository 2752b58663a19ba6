// The dashboard: reads GET /metrics (the Prometheus text the gateway already serves) once a second,
// turns counters into rates, and charts the last five minutes with uPlot. /metrics is the only
// source of numbers; /api/info gives the settings, which do not change. Everything shown is an
// aggregate, so the page costs the same at 10 users as at 10,000.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const HISTORY = 300; // samples kept: five minutes at one a second
  const LATENCY = 'gateway_delivery_latency_seconds';

  // "name{labels} value" per line; comments and blank lines skipped. Keys keep the labels as
  // written, e.g. 'gateway_delivery_latency_seconds{quantile="0.99"}'.
  function parseMetrics(text) {
    const samples = new Map();
    for (const line of text.split('\n')) {
      const m = /^([a-zA-Z_:][\w:]*(?:\{.*\})?)\s+(\S+)/.exec(line);
      if (m) samples.set(m[1], parseFloat(m[2]));
    }
    return samples;
  }

  const fmtCount = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
  const fmtSeconds = (s) => {
    if (!Number.isFinite(s)) return '–';
    if (s < 1e-3) return (s * 1e6).toFixed(0) + ' µs';
    if (s < 1) return (s * 1e3).toPrecision(3) + ' ms';
    return s.toPrecision(3) + ' s';
  };

  // Shows a number and keeps the raw value in data-value (the browser tests read it).
  function show(id, value, format) {
    $(id).textContent = format(value);
    $(id).dataset.value = Number.isFinite(value) ? String(value) : '';
  }

  // ---- charts ------------------------------------------------------------------------------

  // Column 0 is time (Unix seconds); each chart reads some of the other columns.
  const columns = ['time', 'connections', 'users', 'in', 'out', 'dropped', 'p50', 'p99', 'p999', 'max'];
  const data = columns.map(() => []);
  const col = (name) => data[columns.indexOf(name)];

  // The log scale of the latency chart: whole decades around the data, 0.01 to 100 ms while there
  // is none (uPlot's own guess for an empty log scale stacks its labels on top of each other),
  // and a label at each decade only: the 2..9 marks between them do not fit in 150 pixels.
  const DEFAULT_DECADES = [0.01, 100];
  function decades(u, min, max) {
    if (!(min > 0) || !(max > 0)) return DEFAULT_DECADES;
    const lo = 10 ** Math.floor(Math.log10(min));
    const hi = 10 ** Math.ceil(Math.log10(max));
    return [lo, hi > lo ? hi : lo * 10];
  }
  function decadeSplits(u, axis, min, max) {
    const splits = [];
    if (!(min > 0) || !(max > 0)) return splits; // before the first range is set
    for (let e = Math.round(Math.log10(min)); e <= Math.round(Math.log10(max)); e++) splits.push(10 ** e);
    const every = Math.ceil(splits.length / 5); // at most about five labels
    return splits.filter((_, i) => i % every === 0);
  }
  const clock = (t) => new Date(t * 1000).toLocaleTimeString('en-GB', { hour12: false });
  const fmtMs = (ms) => (ms == null ? '' : ms >= 1 ? String(Math.round(ms)) : String(Number(ms.toPrecision(1))));

  const charts = [
    { title: 'Connections', series: [['connections', '#2a6fdb'], ['users', '#1a9e5c']] },
    { title: 'Messages per second', series: [['in', '#2a6fdb'], ['out', '#1a9e5c'], ['dropped', '#d9480f']] },
    { title: 'Delivery latency, ms (log scale)', log: true,
      series: [['p50', '#1a9e5c'], ['p99', '#2a6fdb'], ['p999', '#ae3ec9'], ['max', '#d9480f']] },
  ].map((spec) => {
    const box = document.createElement('div');
    box.className = 'chart';
    $('charts').append(box);
    const opts = {
      title: spec.title,
      width: box.clientWidth || 600,
      height: 150,
      scales: {
        // Always the last five minutes, ending at the newest sample. Left to itself, uPlot fits
        // the axis to the data, and one sample (min = max) gets a span of years (Feb 2027 to Aug 2029).
        // (uPlot passes a padded max for a single sample, so the end comes from the data itself.)
        x: { time: true, range: () => { const end = col('time').at(-1) ?? Date.now() / 1000; return [end - HISTORY, end]; } },
        y: spec.log ? { distr: 3, log: 10, range: decades } : { range: (u, min, max) => [0, Math.max(1, max)] },
      },
      series: [{}, ...spec.series.map(([label, stroke]) => ({ label, stroke, width: 2, spanGaps: false }))],
      // Clock time only: uPlot's default writes the date under the first tick, where it runs into
      // the next tick's label.
      axes: [{ space: 70, values: (u, splits) => splits.map(clock) }, spec.log ? { size: 60, splits: decadeSplits, values: (u, splits) => splits.map(fmtMs) } : { size: 60 }],
      hooks: { setScale: [(u, key) => { box.dataset[key + 'Range'] = `${u.scales[key].min},${u.scales[key].max}`; }] },
    };
    const names = ['time', ...spec.series.map(([name]) => name)];
    return { box, names, plot: new uPlot(opts, names.map(col), box) };
  });

  window.addEventListener('resize', () => {
    for (const c of charts) c.plot.setSize({ width: c.box.clientWidth, height: 150 });
  });

  // ---- polling -----------------------------------------------------------------------------

  let previous = null; // { at (ms), in, out, dropped } from the last scrape, for rates

  function update(m, at) {
    const counters = {
      in: m.get('gateway_messages_in_total'),
      out: m.get('gateway_messages_out_total'),
      dropped: m.get('gateway_pushes_dropped_total'),
    };
    // Rate = counter difference over the time between scrapes; none for the first scrape, and
    // none across a restart (a counter that went down).
    const rate = (name) => {
      if (!previous) return NaN;
      const d = counters[name] - previous[name];
      return d >= 0 ? d / ((at - previous.at) / 1000) : NaN;
    };
    const row = {
      time: Date.now() / 1000,
      connections: m.get('gateway_connections'),
      users: m.get('gateway_users'),
      in: rate('in'),
      out: rate('out'),
      dropped: rate('dropped'),
    };
    for (const [name, q] of [['p50', '0.5'], ['p99', '0.99'], ['p999', '0.999'], ['max', '1.0']]) {
      const seconds = m.get(`${LATENCY}{quantile="${q}"}`);
      show(name, seconds, fmtSeconds);
      row[name] = seconds > 0 ? seconds * 1e3 : null; // a log scale has no zero; NaN = no messages
    }
    previous = { at, ...counters };

    show('connections', row.connections, fmtCount);
    show('sessions', m.get('gateway_sessions'), fmtCount);
    show('users', row.users, fmtCount);
    show('in-rate', row.in, fmtCount);
    show('out-rate', row.out, fmtCount);
    show('dropped', counters.dropped, fmtCount);
    show('slow-closes', m.get('gateway_slow_consumer_closes_total'), fmtCount);

    columns.forEach((name, i) => {
      const v = row[name];
      data[i].push(Number.isFinite(v) ? v : null);
      if (data[i].length > HISTORY) data[i].shift();
    });
    for (const c of charts) c.plot.setData(c.names.map(col));
  }

  // setTimeout after each answer, not setInterval: a slow gateway is never asked twice at once.
  async function poll() {
    try {
      const res = await fetch('/metrics', { cache: 'no-store' });
      if (!res.ok) throw new Error('HTTP ' + res.status);
      update(parseMetrics(await res.text()), performance.now());
      $('feed').textContent = 'live: /metrics read every second';
      $('feed').className = 'feed live';
    } catch (e) {
      $('feed').textContent = `cannot read /metrics (${e.message}); retrying`;
      $('feed').className = 'feed down';
      previous = null;
    }
    setTimeout(poll, 1000);
  }

  async function showInfo() {
    const info = await (await fetch('/api/info')).json();
    document.title = info.stage + ' gateway';
    $('stage').textContent = info.stage;
    $('title').textContent = info.title;
    const s = info.settings;
    const duration = (iso) => iso.replace(/^PT/, '').toLowerCase(); // PT1M -> 1m, PT0.5S -> 0.5s
    const settings = {
      'send queue': `${fmtCount(s.queueCapacity)} frames`,
      'max connections': fmtCount(s.maxConnections),
      'rate limit': `${fmtCount(s.rateLimit)} frames/s`,
      'max frame': `${fmtCount(s.maxFrame)} bytes`,
      'idle timeout': duration(s.idleTimeout),
      'slow consumer after': duration(s.slowConsumerTimeout),
      transport: s.transport,
      router: s.router,
      'login token': info.secret ? 'required' : 'not needed',
    };
    for (const [name, value] of Object.entries(settings)) {
      const pair = document.createElement('div'); // <div> groups a dt with its dd (HTML allows it)
      const dt = document.createElement('dt');
      const dd = document.createElement('dd');
      dt.textContent = name;
      dd.textContent = value;
      pair.append(dt, dd);
      $('settings').append(pair);
    }
  }

  showInfo().catch((e) => { $('title').textContent = 'cannot read /api/info: ' + e.message; });
  poll();
})();

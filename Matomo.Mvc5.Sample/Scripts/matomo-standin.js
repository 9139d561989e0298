/*
 * matomo.js of the Sample's Matomo stand-in (served at /matomo-standin/matomo.js).
 *
 * Like the real matomo.js, it takes over the page's _paq queue: it runs the queued commands (the configuration
 * ones first, as Matomo does), sends a tracking request to the tracker URL for each trackPageView, and replaces
 * _paq with an object whose push() runs further commands at once. Unlike the real one, it also reports the
 * commands it executed, in the order the page pushed them, to <this script's folder>/report, so the stand-in can
 * show them. Only a handful of commands do anything here; every command is reported.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  var base = script ? script.src.replace(/[^\/]*$/, '') : '';
  var config = { trackerUrl: null, siteId: null, userId: null, cookies: true, vars: { page: {}, visit: {} } };

  // Matomo applies these before anything else in the queue, whatever their position.
  var applyFirst = ['setTrackerUrl', 'setSiteId', 'setUserId', 'disableCookies', 'requireConsent',
    'requireCookieConsent', 'setDoNotTrack', 'enableLinkTracking', 'addTracker'];

  function report(phase, commands) {
    var body = JSON.stringify({ page: location.href, phase: phase, commands: commands });
    var xhr = new XMLHttpRequest();
    xhr.open('POST', base + 'report');
    xhr.setRequestHeader('Content-Type', 'text/plain'); // a "simple" request: no CORS preflight
    xhr.onloadend = function () { document.documentElement.setAttribute('data-matomo-standin-' + phase, 'reported'); };
    xhr.send(body);
  }

  function cvarParam(vars) {
    var out = {}, any = false;
    for (var i in vars) { out[i] = vars[i]; any = true; }
    return any ? JSON.stringify(out) : null;
  }

  function visitorId() {
    var name = '_pk_id.' + config.siteId + '.standin', m = document.cookie.match(new RegExp('(?:^|; )' + name.replace(/\./g, '\\.') + '=([^;]*)'));
    if (m) return m[1];
    var id = Math.random().toString(16).slice(2, 18);
    document.cookie = name + '=' + id + '; path=/; SameSite=Lax';
    return id;
  }

  function send(extra) {
    if (!config.trackerUrl || !config.siteId) return;
    var p = { idsite: config.siteId, rec: '1', url: location.href, action_name: document.title, r: String(Math.random()).slice(2, 8) };
    if (config.userId) p.uid = config.userId;
    var page = cvarParam(config.vars.page), visit = cvarParam(config.vars.visit);
    if (page) p.cvar = page;
    if (visit) p._cvar = visit;
    p.cookie = config.cookies ? '1' : '0';
    if (config.cookies) p._id = visitorId();
    for (var k in extra) p[k] = extra[k];
    var q = [];
    for (var key in p) q.push(encodeURIComponent(key) + '=' + encodeURIComponent(p[key]));
    var img = new Image();
    img.onload = img.onerror = function () { document.documentElement.setAttribute('data-matomo-standin-hit', 'sent'); };
    img.src = config.trackerUrl + (config.trackerUrl.indexOf('?') < 0 ? '?' : '&') + q.join('&');
  }

  var tracker = {
    setTrackerUrl: function (url) { config.trackerUrl = url; },
    setSiteId: function (id) { config.siteId = String(id); },
    setUserId: function (id) { config.userId = id; },
    resetUserId: function () { config.userId = null; },
    disableCookies: function () { config.cookies = false; },
    setCustomVariable: function (index, name, value, scope) {
      (scope === 'page' ? config.vars.page : config.vars.visit)[index] = [name, value];
    },
    trackPageView: function (customTitle) { send(customTitle ? { action_name: customTitle } : {}); }
  };

  function run(command) {
    if (typeof command === 'function') { command.call(tracker); return; }
    var method = tracker[command[0]];
    if (method) method.apply(tracker, command.slice(1));
  }

  function describe(command) {
    return typeof command === 'function' ? ['(function)'] : Array.prototype.slice.call(command);
  }

  var queue = (window._paq && window._paq.slice) ? window._paq.slice() : [];
  report('queue', queue.map(describe));
  var first = queue.filter(function (c) { return typeof c !== 'function' && applyFirst.indexOf(c[0]) >= 0; });
  var rest = queue.filter(function (c) { return first.indexOf(c) < 0; });
  first.concat(rest).forEach(run);

  window._paq = {
    push: function () {
      var commands = Array.prototype.slice.call(arguments);
      report('push', commands.map(describe));
      commands.forEach(run);
      return 0;
    }
  };
})();

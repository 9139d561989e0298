/*
 * matomo.js of the Sample's Matomo stand-in (served at /matomo-standin/matomo.js, and as piwik.js).
 *
 * Like the real matomo.js, it takes over the page's _paq queue: it runs the queued commands (the configuration
 * ones first, as Matomo does), sends a tracking request to the tracker URL for each trackPageView and trackEvent,
 * and replaces _paq with an object whose push() runs further commands at once. Unlike the real one, it also reports
 * the commands it executed, in the order the page pushed them, to <this script's folder>/report, so the stand-in can
 * show them. Only a handful of commands do anything here, as Matomo's do (custom variables and dimensions, user id,
 * title, cookies, consent, Do Not Track, addTracker); every command is reported.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  var base = script ? script.src.replace(/[^\/]*$/, '') : '';
  var config = {
    trackerUrl: null, siteId: null, userId: null, title: null, cookies: true, doNotTrack: false,
    consentRequired: false, held: [], others: [], vars: { page: {}, visit: {} }, dimensions: {}
  };

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

  function getCookie(name) {
    var m = document.cookie.match(new RegExp('(?:^|; )' + name.replace(/\./g, '\\.') + '=([^;]*)'));
    return m ? m[1] : null;
  }

  function setCookie(name, value, days) {
    document.cookie = name + '=' + value + '; path=/; SameSite=Lax' + (days ? '; max-age=' + days * 86400 : '');
  }

  function visitorId(siteId) {
    var name = '_pk_id.' + siteId + '.standin', id = getCookie(name);
    if (id) return id;
    id = Math.random().toString(16).slice(2, 18);
    setCookie(name, id, 393);
    return id;
  }

  // The main tracker, then one per addTracker: the same request to each, with its own site id.
  function send(extra) {
    if (config.doNotTrack) return;
    if (config.consentRequired) { config.held.push(extra); return; } // sent once consent is given, as Matomo does
    var trackers = [{ url: config.trackerUrl, siteId: config.siteId }].concat(config.others);
    trackers.forEach(function (t) { if (t.url && t.siteId) sendTo(t.url, t.siteId, extra); });
  }

  function sendTo(trackerUrl, siteId, extra) {
    var p = { idsite: siteId, rec: '1', url: location.href, r: String(Math.random()).slice(2, 8) };
    if (!extra.e_c) p.action_name = config.title || document.title;
    if (config.userId) p.uid = config.userId;
    var page = cvarParam(config.vars.page), visit = cvarParam(config.vars.visit);
    if (page) p.cvar = page;
    if (visit) p._cvar = visit;
    for (var d in config.dimensions) p['dimension' + d] = config.dimensions[d];
    p.cookie = config.cookies ? '1' : '0';
    if (config.cookies) p._id = visitorId(siteId);
    for (var k in extra) if (extra[k] !== undefined && extra[k] !== null) p[k] = extra[k];
    var q = [];
    for (var key in p) q.push(encodeURIComponent(key) + '=' + encodeURIComponent(p[key]));
    var img = new Image();
    img.onload = img.onerror = function () { document.documentElement.setAttribute('data-matomo-standin-hit', 'sent'); };
    img.src = trackerUrl + (trackerUrl.indexOf('?') < 0 ? '?' : '&') + q.join('&');
  }

  var tracker = {
    setTrackerUrl: function (url) { config.trackerUrl = url; },
    setSiteId: function (id) { config.siteId = String(id); },
    addTracker: function (url, id) { config.others.push({ url: url || config.trackerUrl, siteId: String(id) }); },
    setUserId: function (id) { config.userId = id; },
    resetUserId: function () { config.userId = null; },
    setDocumentTitle: function (title) { config.title = title; },
    disableCookies: function () { config.cookies = false; },
    setCustomVariable: function (index, name, value, scope) {
      (scope === 'page' ? config.vars.page : config.vars.visit)[index] = [name, value];
    },
    setCustomDimension: function (id, value) { config.dimensions[id] = value; },
    // Matomo's setDoNotTrack: no tracking when the browser's Do Not Track setting is on.
    setDoNotTrack: function (enable) {
      var dnt = navigator.doNotTrack || window.doNotTrack;
      config.doNotTrack = enable !== false && (dnt === '1' || dnt === 'yes');
    },
    // Consent as Matomo keeps it: a first-party cookie, mtm_consent (tracking) or mtm_cookie_consent (cookies).
    requireConsent: function () { config.consentRequired = !getCookie('mtm_consent'); },
    setConsentGiven: function () {
      config.consentRequired = false;
      var held = config.held;
      config.held = [];
      held.forEach(send);
    },
    rememberConsentGiven: function () { setCookie('mtm_consent', String(Date.now()), 30 * 12); this.setConsentGiven(); },
    forgetConsentGiven: function () { setCookie('mtm_consent', '', -1); config.consentRequired = true; },
    requireCookieConsent: function () { if (!getCookie('mtm_cookie_consent')) config.cookies = false; },
    setCookieConsentGiven: function () { config.cookies = true; },
    rememberCookieConsentGiven: function () { setCookie('mtm_cookie_consent', String(Date.now()), 30 * 12); config.cookies = true; },
    forgetCookieConsentGiven: function () { setCookie('mtm_cookie_consent', '', -1); config.cookies = false; },
    trackPageView: function (customTitle) { send(customTitle ? { action_name: customTitle } : {}); },
    trackEvent: function (category, action, name, value) { send({ e_c: category, e_a: action, e_n: name, e_v: value }); }
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

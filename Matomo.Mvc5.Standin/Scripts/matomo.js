/*
 * matomo.js of the Matomo stand-in (Matomo.Mvc5.Standin), served as matomo.js and piwik.js.
 *
 * It follows the public API of Matomo's JavaScript tracker for what a site's pages use: it takes over the page's
 * _paq queue, runs the queued commands (the configuration ones first, as Matomo does), then replaces _paq with an
 * object whose push() runs commands at once; function commands run with the tracker as "this"; window.Matomo and
 * window.Piwik offer getTracker/getAsyncTracker, and matomoAsyncInit/piwikAsyncInit are called. Requests carry
 * Matomo's parameters (idsite, rec, url, urlref, action_name, _id, uid, cvar/_cvar, dimensionN, e_c..., search...,
 * idgoal, revenue, link, download, ping, pv_id, h/m/s, res, cookie, r) and go to the tracker URL by GET (an image)
 * or, after setRequestMethod('POST'), by POST (form-encoded, as Matomo sends it). Consent (requireConsent,
 * requireCookieConsent and their remember/forget commands, kept in Matomo's cookies mtm_consent and
 * mtm_cookie_consent), the opt-out (isUserOptedOut, optUserOut, forgetUserOptOut: the cookie mtm_consent_removed),
 * setDoNotTrack, disableCookies and addTracker behave as in Matomo. Ecommerce: setEcommerceView adds _pks, _pkn, _pkc
 * and _pkp to the page view; addEcommerceItem collects items that trackEcommerceCartUpdate and trackEcommerceOrder
 * send as ec_items with idgoal=0 (an order also ec_id, ec_st, ec_tx, ec_sh, ec_dt, and empties the cart).
 *
 * Unlike Matomo's, it also reports to the stand-in (<this script's folder>standin/report) the commands it ran: phase
 * "queue" for those found on arrival, "push" for those pushed later. Each report is sent only once the tracking
 * requests those commands caused have been answered, and says how many were sent and held back for consent: a
 * report is a marker that comes after everything its commands sent.
 */
(function () {
  'use strict';
  if (window.Matomo && window.Matomo.standin) return; // loaded twice (matomo.js and piwik.js): the first one runs
  var script = document.currentScript;
  var base = script ? script.src.replace(/[?#].*$/, '').replace(/[^\/]*$/, '') : '';
  var config = {
    trackerUrl: null, siteId: null, userId: null, title: null, customUrl: null, referrer: document.referrer || null,
    cookies: true, doNotTrack: false, consentRequired: false, held: [], others: [], method: 'GET',
    contentType: 'application/x-www-form-urlencoded; charset=UTF-8', append: '', cookieDomain: null, cookiePath: '/',
    vars: { page: {}, visit: {} }, dimensions: {}, heartBeat: 0, linkTracking: false, pageViewId: null,
    productView: null, items: {}
  };
  // Matomo reads its opt-out cookie when it starts: a visitor who opted out is held back as if consent were missing.
  config.consentRequired = !!getCookie('mtm_consent_removed');

  // Matomo applies these before anything else in the queue, whatever their position.
  var applyFirst = ['setTrackerUrl', 'setSiteId', 'setUserId', 'disableCookies', 'requireConsent',
    'requireCookieConsent', 'setDoNotTrack', 'enableLinkTracking', 'addTracker', 'setRequestMethod',
    'setCookieDomain', 'setCookiePath'];

  // ---- requests in flight, so that a report can wait for them ----
  var pending = 0, waiting = [];
  function started() { pending++; }
  function finished() {
    pending--;
    if (pending > 0) return;
    var run = waiting;
    waiting = [];
    run.forEach(function (f) { f(); });
  }
  function whenSettled(f) { if (pending === 0) f(); else waiting.push(f); }

  function report(phase, commands, counts) {
    whenSettled(function () {
      var body = { page: location.href, phase: phase, commands: commands, sent: counts.sent, held: counts.held };
      var xhr = new XMLHttpRequest();
      xhr.open('POST', base + 'standin/report');
      xhr.setRequestHeader('Content-Type', 'text/plain'); // a "simple" request: no CORS preflight
      xhr.onloadend = function () { document.documentElement.setAttribute('data-matomo-standin-' + phase, 'reported'); };
      xhr.send(JSON.stringify(body));
    });
  }

  // ---- cookies, as Matomo names them ----
  function getCookie(name) {
    var m = document.cookie.match(new RegExp('(?:^|; )' + name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '=([^;]*)'));
    return m ? decodeURIComponent(m[1]) : null;
  }
  function setCookie(name, value, seconds) {
    document.cookie = name + '=' + encodeURIComponent(value) + '; path=' + config.cookiePath +
      (config.cookieDomain ? '; domain=' + config.cookieDomain : '') + '; SameSite=Lax' +
      (seconds ? '; max-age=' + seconds : '');
  }
  function visitorId(siteId) {
    var name = '_pk_id.' + siteId + '.' + hostHash(), id = getCookie(name);
    if (id) return id.split('.')[0];
    id = random(16);
    setCookie(name, id + '.' + Math.floor(Date.now() / 1000) + '.', 393 * 86400); // Matomo 4+'s value: id.created.
    return id;
  }
  // As Matomo's updateDomainHash: the first 4 hex digits of SHA-1 over the cookie domain (as domainFixup keeps it)
  // or the page's host, and the cookie path. The server-side tracker computes the same name to find the cookie.
  function hostHash() {
    return sha1(unescape(encodeURIComponent((config.cookieDomain || domainFixup(document.domain)) + (config.cookiePath || '/')))).slice(0, 4);
  }
  function domainFixup(domain) {
    if (domain.charAt(domain.length - 1) === '.') domain = domain.slice(0, -1);
    if (domain.slice(0, 2) === '*.') domain = domain.slice(1);
    if (domain.indexOf('/') !== -1) domain = domain.slice(0, domain.indexOf('/'));
    return domain;
  }
  // SHA-1 (FIPS 180-4) of a string of bytes (characters 0-255), as lower-case hex.
  function sha1(bytes) {
    var words = [], i, j, n = bytes.length, h = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0], w = [];
    for (i = 0; i < n; i++) words[i >> 2] |= bytes.charCodeAt(i) << (24 - (i % 4) * 8);
    words[n >> 2] |= 0x80 << (24 - (n % 4) * 8);
    words[(((n + 8) >> 6) + 1) * 16 - 1] = n * 8;
    for (i = 0; i < words.length; i += 16) {
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
      for (j = 0; j < 80; j++) {
        w[j] = j < 16 ? (words[i + j] | 0) : rotl(w[j - 3] ^ w[j - 8] ^ w[j - 14] ^ w[j - 16], 1);
        var f = j < 20 ? (b & c) | (~b & d) : j < 40 ? b ^ c ^ d : j < 60 ? (b & c) | (b & d) | (c & d) : b ^ c ^ d;
        var k = j < 20 ? 0x5A827999 : j < 40 ? 0x6ED9EBA1 : j < 60 ? 0x8F1BBCDC : 0xCA62C1D6;
        var t = (rotl(a, 5) + f + e + k + w[j]) | 0;
        e = d; d = c; c = rotl(b, 30); b = a; a = t;
      }
      h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0; h[3] = (h[3] + d) | 0; h[4] = (h[4] + e) | 0;
    }
    var hex = '';
    for (i = 0; i < 5; i++) hex += ('0000000' + (h[i] >>> 0).toString(16)).slice(-8);
    return hex;
  }
  function rotl(x, n) { return (x << n) | (x >>> (32 - n)); }
  function random(n) {
    var s = '';
    while (s.length < n) s += Math.random().toString(16).slice(2);
    return s.slice(0, n);
  }

  // ---- sending ----
  function cvarParam(vars) {
    var any = false;
    for (var i in vars) { any = true; break; }
    return any ? JSON.stringify(vars) : null;
  }

  // The main tracker, then one per addTracker: the same request to each, with its own site id.
  function send(extra, counts) {
    if (config.doNotTrack) return;
    if (config.consentRequired) { config.held.push(extra); counts.held++; return; } // sent once consent is given
    var trackers = [{ url: config.trackerUrl, siteId: config.siteId }].concat(config.others);
    trackers.forEach(function (t) { if (t.url && t.siteId) { sendTo(t.url, t.siteId, extra); counts.sent++; } });
  }

  function sendTo(trackerUrl, siteId, extra) {
    var now = new Date();
    var p = {
      idsite: siteId, rec: '1', r: random(6), h: now.getHours(), m: now.getMinutes(), s: now.getSeconds(),
      url: config.customUrl || location.href
    };
    if (config.referrer) p.urlref = config.referrer;
    if (extra.kind === 'pageview' || extra.kind === 'ping') p.action_name = config.title || document.title;
    if (config.pageViewId) p.pv_id = config.pageViewId;
    if (config.userId) p.uid = config.userId;
    var page = cvarParam(config.vars.page), visit = cvarParam(config.vars.visit);
    if (page) p.cvar = page;
    if (visit) p._cvar = visit;
    for (var d in config.dimensions) p['dimension' + d] = config.dimensions[d];
    p.cookie = config.cookies ? '1' : '0';
    if (config.cookies) p._id = visitorId(siteId);
    p.res = screen.width + 'x' + screen.height;
    for (var k in extra.params) if (extra.params[k] !== undefined && extra.params[k] !== null && extra.params[k] !== false) p[k] = extra.params[k];
    var q = [];
    for (var key in p) q.push(encodeURIComponent(key) + '=' + encodeURIComponent(p[key]));
    var data = q.join('&') + config.append;
    started();
    if (config.method === 'POST') {
      var xhr = new XMLHttpRequest();
      xhr.open('POST', trackerUrl, true);
      xhr.withCredentials = true;
      xhr.setRequestHeader('Content-Type', config.contentType);
      xhr.onloadend = finished;
      xhr.send(data);
    } else {
      var img = new Image(1, 1), done = false;
      var end = function () { if (!done) { done = true; finished(); } };
      img.onload = img.onerror = end;
      setTimeout(end, 10000);
      img.src = trackerUrl + (trackerUrl.indexOf('?') < 0 ? '?' : '&') + data;
    }
    document.documentElement.setAttribute('data-matomo-standin-hit', 'sent');
  }

  // ---- the tracker: Matomo's command names ----
  var counts = { sent: 0, held: 0 }; // of the commands being run now
  var tracker = {
    setTrackerUrl: function (url) { config.trackerUrl = url; },
    getTrackerUrl: function () { return config.trackerUrl; },
    setSiteId: function (id) { config.siteId = String(id); },
    getSiteId: function () { return config.siteId; },
    addTracker: function (url, id) { config.others.push({ url: url || config.trackerUrl, siteId: String(id) }); },
    setUserId: function (id) { config.userId = id; },
    getUserId: function () { return config.userId; },
    resetUserId: function () { config.userId = null; },
    getVisitorId: function () { return config.siteId && config.cookies ? visitorId(config.siteId) : null; },
    setDocumentTitle: function (title) { config.title = title; },
    setCustomUrl: function (url) { config.customUrl = url; },
    setReferrerUrl: function (url) { config.referrer = url; },
    setCookieDomain: function (domain) { config.cookieDomain = domainFixup(domain); },
    setCookiePath: function (path) { config.cookiePath = path; },
    setDomains: function () {},
    setSecureCookie: function () {},
    setVisitorCookieTimeout: function () {},
    setRequestMethod: function (method) { config.method = String(method).toUpperCase(); },
    setRequestContentType: function (type) { config.contentType = type; },
    appendToTrackingUrl: function (query) { config.append = query ? '&' + String(query).replace(/^[&?]/, '') : ''; },
    disableCookies: function () { config.cookies = false; },
    setCustomVariable: function (index, name, value, scope) {
      (scope === 'page' ? config.vars.page : config.vars.visit)[index] = [name, value];
    },
    deleteCustomVariable: function (index, scope) { delete (scope === 'page' ? config.vars.page : config.vars.visit)[index]; },
    setCustomDimension: function (id, value) { config.dimensions[id] = value; },
    deleteCustomDimension: function (id) { delete config.dimensions[id]; },
    // Matomo's setDoNotTrack: no tracking when the browser's Do Not Track setting is on.
    setDoNotTrack: function (enable) {
      var dnt = navigator.doNotTrack || window.doNotTrack;
      config.doNotTrack = enable !== false && (dnt === '1' || dnt === 'yes');
    },
    enableLinkTracking: function () { config.linkTracking = true; },
    enableHeartBeatTimer: function (seconds) { config.heartBeat = seconds || 15; },
    // Consent as Matomo keeps it: a first-party cookie, mtm_consent (tracking) or mtm_cookie_consent (cookies).
    requireConsent: function () { config.consentRequired = !getCookie('mtm_consent') || !!getCookie('mtm_consent_removed'); },
    setConsentGiven: function () {
      config.consentRequired = false;
      setCookie('mtm_consent_removed', '', -1);
      var held = config.held;
      config.held = [];
      held.forEach(function (extra) { send(extra, counts); });
    },
    rememberConsentGiven: function () { setCookie('mtm_consent', String(Date.now()), 360 * 86400); this.setConsentGiven(); },
    forgetConsentGiven: function () {
      setCookie('mtm_consent', '', -1);
      setCookie('mtm_consent_removed', String(Date.now()), 360 * 86400);
      config.consentRequired = true;
    },
    // The opt-out, as Matomo's: optUserOut is forgetConsentGiven, forgetUserOptOut gives consent for this page.
    isUserOptedOut: function () { return config.consentRequired; },
    optUserOut: function () { this.forgetConsentGiven(); },
    forgetUserOptOut: function () { this.setConsentGiven(false); },
    hasRememberedConsent: function () { return !!getCookie('mtm_consent'); },
    requireCookieConsent: function () { if (!getCookie('mtm_cookie_consent')) config.cookies = false; },
    setCookieConsentGiven: function () { config.cookies = true; },
    rememberCookieConsentGiven: function () { setCookie('mtm_cookie_consent', String(Date.now()), 360 * 86400); config.cookies = true; },
    forgetCookieConsentGiven: function () { setCookie('mtm_cookie_consent', '', -1); config.cookies = false; },
    trackPageView: function (customTitle) {
      config.pageViewId = random(6);
      var params = customTitle ? { action_name: customTitle } : {};
      var view = config.productView;
      if (view) { params._pks = view.sku; params._pkn = view.name; params._pkc = view.category; params._pkp = view.price; }
      send({ kind: 'pageview', params: params }, counts);
    },
    // Ecommerce, with Matomo's parameters.
    setEcommerceView: function (sku, name, category, price) {
      config.productView = {
        sku: sku || null, name: name || null, price: price === undefined || price === false ? null : price,
        category: category instanceof Array ? JSON.stringify(category) : category || null
      };
    },
    addEcommerceItem: function (sku, name, category, price, quantity) {
      if (sku) config.items[sku] = [String(sku), name || '', category || '', price || 0, quantity || 1];
    },
    removeEcommerceItem: function (sku) { delete config.items[sku]; },
    clearEcommerceCart: function () { config.items = {}; },
    trackEcommerceCartUpdate: function (grandTotal) {
      send({ kind: 'ecommerce', params: { idgoal: '0', revenue: grandTotal, ec_items: itemsParam() } }, counts);
    },
    trackEcommerceOrder: function (orderId, grandTotal, subTotal, tax, shipping, discount) {
      send({ kind: 'ecommerce', params: { idgoal: '0', ec_id: orderId, revenue: grandTotal, ec_st: subTotal, ec_tx: tax,
        ec_sh: shipping, ec_dt: discount, ec_items: itemsParam() } }, counts);
      config.items = {};
    },
    enableCrossDomainLinking: function () {},
    setCookieSameSite: function () {},
    enableJSErrorTracking: function () {},
    trackEvent: function (category, action, name, value) {
      send({ kind: 'event', params: { e_c: category, e_a: action, e_n: name, e_v: value, ca: '1' } }, counts);
    },
    trackSiteSearch: function (keyword, category, count) {
      send({ kind: 'search', params: { search: keyword, search_cat: category || null, search_count: count } }, counts);
    },
    trackGoal: function (goalId, revenue) { send({ kind: 'goal', params: { idgoal: goalId, revenue: revenue } }, counts); },
    trackLink: function (url, type) {
      var params = {};
      params[type === 'download' ? 'download' : 'link'] = url;
      send({ kind: 'link', params: params }, counts);
    },
    ping: function () { send({ kind: 'ping', params: { ping: '1' } }, counts); }
  };

  function itemsParam() {
    var list = [];
    for (var sku in config.items) list.push(config.items[sku]);
    return JSON.stringify(list);
  }

  // Matomo's form is _paq.push([function () { ... }, arguments...]): the function runs with the tracker as this.
  function run(command) {
    if (typeof command === 'function') { command.call(tracker); return; }
    var args = Array.prototype.slice.call(command, 1);
    if (typeof command[0] === 'function') { command[0].apply(tracker, args); return; }
    var method = tracker[command[0]];
    if (method) method.apply(tracker, args);
  }

  function describe(command) {
    if (typeof command === 'function') return ['(function)'];
    var described = Array.prototype.slice.call(command);
    if (typeof described[0] === 'function') described[0] = '(function)';
    return described;
  }

  // Runs commands and reports them (once what they sent has been answered).
  function runAndReport(phase, commands, ordered) {
    counts = { sent: 0, held: 0 };
    var described = commands.map(describe);
    (ordered || commands).forEach(run);
    report(phase, described, counts);
    return 0;
  }

  var api = {
    standin: true,
    initialized: true,
    getTracker: function () { return tracker; },
    getAsyncTracker: function () { return tracker; }
  };
  window.Matomo = window.Piwik = api;

  var queue = (window._paq && window._paq.slice) ? window._paq.slice() : [];
  var first = queue.filter(function (c) { return typeof c !== 'function' && applyFirst.indexOf(c[0]) >= 0; });
  var rest = queue.filter(function (c) { return first.indexOf(c) < 0; });
  runAndReport('queue', queue, first.concat(rest));

  window._paq = {
    push: function () { return runAndReport('push', Array.prototype.slice.call(arguments)); }
  };
  if (typeof window.matomoAsyncInit === 'function') window.matomoAsyncInit();
  if (typeof window.piwikAsyncInit === 'function') window.piwikAsyncInit();
})();

/*
 * A Matomo Tag Manager container of the Matomo stand-in (Matomo.Mvc5.Standin), served at js/container_ID.js.
 *
 * A real container runs the tags, triggers and variables configured in Matomo, starting from the events the page
 * pushed to _mtm (at least {"event": "mtm.Start"}). This one has no tags: it only reports the _mtm events it finds,
 * and those pushed later, to the stand-in (standin/report, phase "mtm"), so that a page shows the container loaded
 * and started.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  var base = script ? script.src.replace(/[?#].*$/, '').replace(/js\/[^\/]*$/, '') : '';

  function report(events) {
    var xhr = new XMLHttpRequest();
    xhr.open('POST', base + 'standin/report');
    xhr.setRequestHeader('Content-Type', 'text/plain'); // a "simple" request: no CORS preflight
    xhr.onloadend = function () { document.documentElement.setAttribute('data-matomo-standin-mtm', 'reported'); };
    xhr.send(JSON.stringify({ page: location.href, phase: 'mtm', commands: events }));
  }

  var mtm = window._mtm = window._mtm || [];
  report(mtm.slice());
  var push = mtm.push;
  mtm.push = function () {
    var events = Array.prototype.slice.call(arguments);
    report(events);
    return push.apply(mtm, events);
  };
})();

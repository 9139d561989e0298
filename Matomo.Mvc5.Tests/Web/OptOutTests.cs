using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Web;
using System.Web.Mvc;
using System.Web.Routing;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Jint;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Tests.Support;
using Moq;
using NUnit.Framework;
using static Matomo.Mvc5.Configuration.MatomoSettings;

namespace Matomo.Mvc5.Tests.Web
{
    /// <summary>
    /// <c>Html.MatomoOptOut()</c>: its markup (AngleSharp) and its script run by Jint against a small DOM built from that
    /// markup and a tracker that keeps Matomo's opt-out state, as matomo.js does. (The browser tests prove it in Chromium
    /// against the stand-in.)
    /// </summary>
    public class OptOutTests
    {
        private FakeHttp _http;

        [SetUp]
        public void SetUp() => _http = new FakeHttp();

        private string Render(MatomoSettings settings = null, string label = null, string tracked = null, string optedOut = null,
            string unavailable = null, string nonce = null, HttpContextBase context = null) =>
            MatomoHtmlHelperExtensions.RenderOptOut(context ?? _http.Build(), settings ?? TestSettings.Basic(), label, tracked, optedOut, unavailable, nonce);

        private static IElement[] Parse(string html) =>
            new HtmlParser().ParseFragment(html, new HtmlParser().ParseDocument("<!DOCTYPE html><body></body>").Body).OfType<IElement>().ToArray();

        [Test]
        public void A_checkbox_with_a_real_label_and_a_status_line_no_iframe()
        {
            IElement[] nodes = Parse(Render());
            Assert.That(nodes.Select(n => n.LocalName), Is.EqualTo(new[] { "div", "script" }));
            IElement root = nodes[0];
            Assert.That(root.QuerySelector("iframe"), Is.Null);
            IElement box = root.QuerySelector("input");
            Assert.That(box.GetAttribute("type"), Is.EqualTo("checkbox"));
            Assert.That(box.HasAttribute("disabled"), Is.True, "disabled until the tracker tells its state");
            IElement label = root.QuerySelector("label");
            Assert.That(label.GetAttribute("for"), Is.EqualTo(box.Id));
            Assert.That(label.TextContent, Is.EqualTo("Let this site measure my visits (Matomo web analytics)"));
            IElement status = root.QuerySelector("p");
            Assert.That(status.GetAttribute("role"), Is.EqualTo("status"), "changes are announced");
            Assert.That(box.GetAttribute("aria-describedby"), Is.EqualTo(status.Id));
            Assert.That(status.Children.Select(c => (c.GetAttribute("data-matomo-state"), c.HasAttribute("hidden"))),
                Is.EqualTo(new[] { ("unavailable", false), ("tracked", true), ("opted-out", true) }), "without JavaScript only 'unavailable' shows");
        }

        [Test]
        public void Texts_are_arguments_and_are_HTML_encoded()
        {
            const string evil = "<script>alert(1)</script> & \"quotes\"";
            IElement root = Parse(Render(label: "Mesurer mes visites " + evil, tracked: "T" + evil, optedOut: "O" + evil, unavailable: "U" + evil))[0];
            Assert.That(root.QuerySelector("label").TextContent, Is.EqualTo("Mesurer mes visites " + evil));
            Assert.That(root.QuerySelectorAll("p span").Select(s => s.TextContent), Is.EqualTo(new[] { "U" + evil, "T" + evil, "O" + evil }));
            Assert.That(root.QuerySelector("script"), Is.Null);
        }

        [Test]
        public void Each_control_of_a_page_has_ids_of_its_own()
        {
            HttpContextBase request = _http.Build();
            string first = Render(context: request), second = Render(context: request);
            Assert.That(Parse(first)[0].Id, Is.EqualTo("matomo-opt-out-1"));
            Assert.That(Parse(second)[0].Id, Is.EqualTo("matomo-opt-out-2"));
            Assert.That(Parse(second)[0].QuerySelector("input").Id, Is.EqualTo("matomo-opt-out-2-checkbox"));
        }

        [Test]
        public void The_script_carries_the_nonce_like_the_snippet()
        {
            Assert.That(Parse(Render(nonce: "n\"0nce"))[1].GetAttribute("nonce"), Is.EqualTo("n\"0nce"));
            Assert.That(Parse(Render())[1].HasAttribute("nonce"), Is.False);
            _http.Items["csp"] = "from-items";
            Assert.That(Parse(Render(TestSettings.Basic((Keys.NonceItemKey, "csp"))))[1].GetAttribute("nonce"), Is.EqualTo("from-items"));
            HttpContextBase request = _http.Build();
            request.GetMatomoPage().Nonce = "from-the-page";
            Assert.That(Parse(Render(TestSettings.Basic((Keys.NonceItemKey, "csp")), context: request))[1].GetAttribute("nonce"), Is.EqualTo("from-the-page"));
        }

        [Test]
        public void Html_MatomoOptOut_through_a_real_HtmlHelper()
        {
            MatomoConfiguration.Override(TestSettings.Basic());
            try
            {
                var viewData = new ViewDataDictionary();
                var viewContext = new ViewContext { HttpContext = _http.Build(), ViewData = viewData, Writer = TextWriter.Null };
                var container = new Mock<IViewDataContainer>();
                container.Setup(c => c.ViewData).Returns(viewData);
                IHtmlString result = new HtmlHelper(viewContext, container.Object, new RouteCollection()).MatomoOptOut("Label");
                Assert.That(result, Is.InstanceOf<MvcHtmlString>());
                Assert.That(Parse(result.ToHtmlString())[0].QuerySelector("label").TextContent, Is.EqualTo("Label"));
            }
            finally
            {
                MatomoConfiguration.Override(null);
            }
        }

        // ---- behaviour ----

        [Test]
        public void The_tracker_answers_the_box_shows_its_state_and_clicking_opts_out_and_back_in()
        {
            var dom = new Dom(Render());
            Assert.That(dom.Eval("box.disabled"), Is.EqualTo(true));
            Assert.That(dom.Visible(), Is.Empty, "nothing claimed before the tracker answers");
            Assert.That(dom.Eval("status.style.display"), Is.EqualTo("grid"));
            Assert.That(dom.Eval("texts.map(function (t) { return t.style.gridArea + '|' + t.hidden; }).join()"), Is.EqualTo("1 / 1|false,1 / 1|false,1 / 1|false"),
                "the texts share one cell: the line is as tall as the tallest from the start");

            dom.LoadTracker(optedOut: false);
            Assert.That(dom.Eval("box.disabled"), Is.EqualTo(false));
            Assert.That(dom.Eval("box.checked"), Is.EqualTo(true));
            Assert.That(dom.Visible(), Is.EqualTo(new[] { "tracked" }));

            dom.Click();
            Assert.That(dom.Eval("tracker.calls.join()"), Is.EqualTo("optUserOut"));
            Assert.That(dom.Eval("box.checked"), Is.EqualTo(false));
            Assert.That(dom.Visible(), Is.EqualTo(new[] { "opted-out" }));

            dom.Click();
            Assert.That(dom.Eval("tracker.calls.join()"), Is.EqualTo("optUserOut,forgetUserOptOut"));
            Assert.That(dom.Visible(), Is.EqualTo(new[] { "tracked" }));

            dom.FireLoad();
            Assert.That(dom.Visible(), Is.EqualTo(new[] { "tracked" }), "an answered control stays as it is");
        }

        [Test]
        public void An_opted_out_visitor_sees_the_box_unchecked()
        {
            var dom = new Dom(Render());
            dom.LoadTracker(optedOut: true);
            Assert.That(dom.Eval("box.checked"), Is.EqualTo(false));
            Assert.That(dom.Visible(), Is.EqualTo(new[] { "opted-out" }));
        }

        [Test]
        public void With_consent_required_checking_the_box_remembers_the_consent()
        {
            // forgetUserOptOut gives consent for the page only: with requireConsent the next page would not be tracked.
            var dom = new Dom(Render(TestSettings.Basic((Keys.RequireConsent, "tracking"))));
            dom.LoadTracker(optedOut: true);
            dom.Click();
            Assert.That(dom.Eval("tracker.calls.join()"), Is.EqualTo("rememberConsentGiven"));
            Assert.That(dom.Visible(), Is.EqualTo(new[] { "tracked" }));
            dom.Click();
            Assert.That(dom.Eval("tracker.calls.join()"), Is.EqualTo("rememberConsentGiven,optUserOut"));
        }

        [Test]
        public void When_the_page_loaded_without_a_tracker_it_says_so()
        {
            var dom = new Dom(Render());
            dom.FireLoad();
            Assert.That(dom.Visible(), Is.EqualTo(new[] { "unavailable" }));
            Assert.That(dom.Eval("box.disabled"), Is.EqualTo(true));

            dom.LoadTracker(optedOut: false); // a tracker that comes later (a Tag Manager container) still answers
            Assert.That(dom.Visible(), Is.EqualTo(new[] { "tracked" }));
        }

        [Test]
        public void Rendered_after_the_page_loaded_it_waits_a_little_for_the_tracker()
        {
            var dom = new Dom(Render(), readyState: "complete");
            Assert.That(dom.Eval("timers.map(function (t) { return t.delay; }).join()"), Is.EqualTo("3000"));
            dom.RunTimers();
            Assert.That(dom.Visible(), Is.EqualTo(new[] { "unavailable" }));
        }

        /// <summary>The control's markup as a small DOM in Jint, with window, timers and a tracker like matomo.js.</summary>
        private sealed class Dom
        {
            private readonly Engine _engine = new Engine(o => o.TimeoutInterval(TimeSpan.FromSeconds(10)));

            public Dom(string html, string readyState = "loading")
            {
                IElement[] nodes = Parse(html);
                _engine.Execute(@"
                    var window = this, timers = [], loadHandlers = [];
                    function El(node) {
                      this.tagName = node.tag; this.attrs = node.attrs; this.style = {}; this.listeners = {};
                      this.hidden = 'hidden' in node.attrs; this.disabled = 'disabled' in node.attrs; this.checked = false;
                      this.children = node.children.map(function (c) { return new El(c); });
                      this.id = node.attrs.id;
                    }
                    El.prototype.getAttribute = function (n) { return n in this.attrs ? this.attrs[n] : null; };
                    El.prototype.addEventListener = function (type, f) { this.listeners[type] = f; };
                    El.prototype.all = function () { var r = [this]; this.children.forEach(function (c) { r = r.concat(c.all()); }); return r; };
                    El.prototype.getElementsByTagName = function (t) { return this.all().slice(1).filter(function (e) { return e.tagName === t; }); };
                    window.addEventListener = function (type, f) { if (type === 'load') loadHandlers.push(f); };
                    function setTimeout(f, delay) { timers.push({ f: f, delay: delay }); }");
                _engine.Execute("var tree = new El(" + JsonSerializer.Serialize(ToNode(nodes[0])) + ");");
                _engine.Execute("var document = { readyState: " + JsonSerializer.Serialize(readyState) + ", getElementById: function (id) { return tree.all().filter(function (e) { return e.id === id; })[0] || null; } };");
                _engine.Execute(nodes[1].TextContent);
                _engine.Execute("var box = tree.getElementsByTagName('input')[0], status = tree.getElementsByTagName('p')[0], texts = status.children;");
            }

            private static object ToNode(IElement e) => new
            {
                tag = e.LocalName,
                attrs = e.Attributes.ToDictionary(a => a.Name, a => a.Value),
                children = e.Children.Select(ToNode).ToArray(),
            };

            public object Eval(string js) => _engine.Evaluate(js).ToObject();

            /// <summary>The states whose text is visible.</summary>
            public string[] Visible() =>
                ((object[])Eval("texts.filter(function (t) { return t.style.visibility === 'visible'; }).map(function (t) { return t.getAttribute('data-matomo-state'); })"))
                .Cast<string>().ToArray();

            /// <summary>What matomo.js does when it loads: run the queue with the tracker as this, then run pushes at once.</summary>
            public void LoadTracker(bool optedOut) => _engine.Execute(@"
                var tracker = { optedOut: " + (optedOut ? "true" : "false") + @", calls: [],
                  isUserOptedOut: function () { return this.optedOut; },
                  optUserOut: function () { this.calls.push('optUserOut'); this.optedOut = true; },
                  forgetUserOptOut: function () { this.calls.push('forgetUserOptOut'); this.optedOut = false; },
                  rememberConsentGiven: function () { this.calls.push('rememberConsentGiven'); this.optedOut = false; } };
                function run(c) { if (typeof c[0] === 'function') c[0].call(tracker); else tracker[c[0]].apply(tracker, c.slice(1)); }
                var queued = window._paq; window._paq = { push: function () { for (var i = 0; i < arguments.length; i++) run(arguments[i]); } };
                queued.forEach(run);");

            public void Click() => _engine.Execute("box.checked = !box.checked; box.listeners.change.call(box);");

            public void FireLoad()
            {
                _engine.Execute("loadHandlers.forEach(function (f) { f(); });");
                RunTimers();
            }

            public void RunTimers() => _engine.Execute("var due = timers; timers = []; due.forEach(function (t) { t.f(); });");
        }
    }
}

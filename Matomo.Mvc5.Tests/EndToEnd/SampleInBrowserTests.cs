using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using Matomo.Mvc5.Rendering;
using NUnit.Framework;
using OpenQA.Selenium;

namespace Matomo.Mvc5.Tests.EndToEnd
{
    /// <summary>
    /// Matomo.Mvc5.Sample under its real host (nginx + fastcgi-mono-server4), visited by headless Chromium, tracking to
    /// Matomo stand-ins that run as processes of their own. Every assertion is about what the browser did: which
    /// scripts it fetched, which _paq commands the stand-in's matomo.js found and ran, which tracking requests reached
    /// the stand-ins.
    /// </summary>
    [TestFixture, NonParallelizable, Category("EndToEnd")]
    public partial class SampleInBrowserTests
    {
        private const string InternalAddress = "127.0.0.3";   // the "office machine" of sample-host.sh
        private const string TrustedProxy = "127.0.0.2";      // the reverse proxy of sample-host.sh
        private const string BrowserAddress = "127.0.0.1";    // where Chromium connects from
        private static readonly TimeSpan TrackingTimeout = TimeSpan.FromSeconds(20);

        private SampleHost _site;       // SiteId 42, an internal address, a trusted proxy: with the proxy and the office machine
        private SampleHost _options;    // SiteId 7, DisableCookies, RespectDoNotTrack, tracker options, a tracker on _site
        private SampleHost _defaults;   // the Sample as ./build.sh sample serves it (Web.config's settings: the Quick start)
        private SampleHost _features;   // SiteId 1, cookie consent, a second site, a Tag Manager container
        private SampleHost _consent;    // SiteId 3, RequireConsent=tracking
        private SampleHost _container;  // a Tag Manager container and no SiteId: no classic tracker
        private HeadlessChromium _browser;

        private IEnumerable<SampleHost> Hosts =>
            new[] { _site, _options, _defaults, _features, _consent, _container }.Where(h => h != null);

        [OneTimeSetUp]
        public void StartHostsAndBrowser()
        {
            var clock = Stopwatch.StartNew();
            // All six start at once; each is an nginx, a fastcgi-mono-server4 and a Matomo stand-in of its own.
            _site = SampleHost.Begin("site", new Dictionary<string, string>
            {
                ["matomo:SiteId"] = "42",
                ["matomo:InternalIps"] = InternalAddress,
                ["analytical:TrustedProxies"] = TrustedProxy,
            }, SampleHost.WithProxies);
            _defaults = SampleHost.Begin("defaults", new Dictionary<string, string>());
            _features = SampleHost.Begin("features", new Dictionary<string, string>
            {
                ["matomo:RequireConsent"] = "cookies",
                ["matomo:AdditionalTrackers"] = "2",
                ["matomo:ContainerId"] = SampleContainerId,
            });
            _consent = SampleHost.Begin("consent", new Dictionary<string, string>
            {
                ["matomo:SiteId"] = "3",
                ["matomo:RequireConsent"] = "tracking",
            });
            _container = SampleHost.Begin("container", new Dictionary<string, string>
            {
                ["matomo:SiteId"] = "",
                ["matomo:ContainerId"] = ContainerId,
            });
            _site.WaitForStandin(TimeSpan.FromMinutes(1));   // _options tracks to it as "another server"
            _options = SampleHost.Begin("options", new Dictionary<string, string>
            {
                ["matomo:SiteId"] = "7",
                ["matomo:DisableCookies"] = "true",
                ["matomo:RespectDoNotTrack"] = "true",
                ["matomo:EnableLinkTracking"] = "false",
                ["matomo:HeartBeatSeconds"] = "15",
                ["matomo:TrackerPath"] = "piwik.php",
                ["matomo:ScriptPath"] = "piwik.js",
                ["matomo:AdditionalTrackers"] = _site.DomainPath + "|5",
            });
            foreach (var host in Hosts) host.WaitUntilReady(TimeSpan.FromMinutes(3));
            _browser = new HeadlessChromium(Path.Combine(SampleHost.RunDirectory, "chromium-profile"));
            TestContext.Progress.WriteLine($"end-to-end: {Hosts.Count()} Sample hosts and Chromium ready in {clock.ElapsedMilliseconds} ms");
        }

        [OneTimeTearDown]
        public void StopEverything()
        {
            var clock = Stopwatch.StartNew();
            // Each in its own try, so one failure does not leave the others running.
            try { _browser?.Dispose(); }
            finally
            {
                // All at once: each stop waits for its Mono to exit.
                var stops = Hosts.Select(host => System.Threading.Tasks.Task.Run(() =>
                {
                    try { host.Dispose(); }
                    catch (Exception e) { TestContext.Progress.WriteLine("stopping a host: " + e.Message); }
                })).ToArray();
                System.Threading.Tasks.Task.WaitAll(stops);
                SampleHost.DeleteRunDirectory();
                TestContext.Progress.WriteLine($"end-to-end: stopped in {clock.ElapsedMilliseconds} ms");
            }
        }

        [SetUp]
        public void FreshVisitor()
        {
            _browser.ClearCookies();
            _browser.SetExtraHeaders(new Dictionary<string, string>());
            foreach (var host in Hosts) new Standin(host).Clear();
        }

        /// <summary>What the page itself pushes is followed by the same four commands on every page of a host.</summary>
        private static object[][] Tail(SampleHost host, string siteId) => new[]
        {
            Cmd("trackPageView"),
            Cmd("enableLinkTracking"),
            Cmd("setTrackerUrl", "//" + host.DomainPath + "/matomo.php"),
            Cmd("setSiteId", siteId),
        };

        private static object[] Cmd(params object[] command) => command;

        private static string Json(IEnumerable<object[]> commands) => Received.ToJson(commands);

        // ---- the basics: the Sample as shipped, page data ----

        [Test]
        public void Sample_as_shipped_is_the_Quick_start_one_tracker_and_one_page_view()
        {
            var view = Visit(_defaults, _defaults.Url("/"));

            view.AssertLoadedTrackerFrom(_defaults);
            Assert.That(view.QueueJson, Is.EqualTo(Json(Tail(_defaults, "1"))), "the Quick start's commands, nothing more");
            Assert.That(view.Hits, Has.Count.EqualTo(1), "one tracking request: no second site, no event");
            Assert.That(view.Hit["idsite"], Is.EqualTo("1"));
            Assert.That(view.Fetched.Where(u => u.StartsWith(_defaults.StandinUrl) && u.EndsWith(".js")),
                Is.EqualTo(new[] { _defaults.StandinUrl + "matomo.js" }), "no Tag Manager container");
            Assert.That(_browser.Driver.FindElements(By.Id("consent-banner")), Is.Empty, "no consent banner");
            Assert.That(_browser.Cookies, Does.Contain("_pk_id.1."), "cookies are allowed: the tracker sets its visitor cookie");
        }

        [Test]
        public void Anonymous_page_loads_matomo_js_from_the_domain_path_and_runs_the_default_commands()
        {
            var view = Visit(_site, _site.Url("/"));

            view.AssertLoadedTrackerFrom(_site);
            Assert.That(view.QueueJson, Is.EqualTo(Json(Tail(_site, "42"))));
            Assert.That(view.Hit["idsite"], Is.EqualTo("42"));
            Assert.That(view.Hit.ContainsKey("uid"), Is.False, "an anonymous visitor has no user id");
            Assert.That(_browser.Cookies, Does.Contain("_pk_id.42."), "cookies are allowed: the tracker sets its visitor cookie");
        }

        [Test]
        public void Page_view_has_reached_the_standin_by_the_time_the_page_has_loaded()
        {
            // What the "nothing was sent" tests rely on: the snippet inserts matomo.js, and matomo.js sends its image
            // requests, before the load event, and both delay it; the stand-in records a request before answering it.
            _browser.Open(_defaults.Url("/Legacy"));
            string page = _browser.Location;

            var received = new Standin(_defaults).All();
            Assert.That(received.Where(r => r.Kind == "hit" && r.Page == page).ToList(), Has.Count.EqualTo(1),
                "recorded before the load event: " + string.Join("\n", received));
        }

        [Test]
        public void Legacy_controller_sends_the_custom_variables_from_ViewBag()
        {
            var view = Visit(_site, _site.Url("/Legacy"));

            view.AssertLoadedTrackerFrom(_site);
            var expected = new[]
            {
                Cmd("setCustomVariable", 1, "foo", "Sir Lancelot of Camelot", "page"),
                Cmd("setCustomVariable", 2, "bar", "To seek the Holy Grail", "page"),
                Cmd("setCustomVariable", 3, "spam", "Blue", "visit"),
            }.Concat(Tail(_site, "42"));
            Assert.That(view.QueueJson, Is.EqualTo(Json(expected)));
            // The tracking request carries them the way Matomo's own matomo.js sends them: page scope in cvar, visit scope in _cvar.
            Assert.That(view.Hit["cvar"], Is.EqualTo("{\"1\":[\"foo\",\"Sir Lancelot of Camelot\"],\"2\":[\"bar\",\"To seek the Holy Grail\"]}"));
            Assert.That(view.Hit["_cvar"], Is.EqualTo("{\"3\":[\"spam\",\"Blue\"]}"));
        }

        [Test]
        public void Identity_override_in_ViewData_is_the_user_id()
        {
            var view = Visit(_site, _site.Url("/Identity/Override"));

            Assert.That(view.QueueJson, Is.EqualTo(Json(new[] { Cmd("setUserId", "sample-visitor@example.org") }.Concat(Tail(_site, "42")))));
            Assert.That(view.Hit["uid"], Is.EqualTo("sample-visitor@example.org"));
        }

        // Quotes and an ampersand: HTML- and JavaScript-encoded on the way, and back intact in the tracking request.
        // (A "<" is refused by ASP.NET's request validation: see Sign_in_with_a_less_than_sign_...)
        private const string VisitorName = "Patsy O'Coconut \"the squire\" & co";

        [Test]
        public void Signed_in_visitor_is_identified_by_name_on_every_page()
        {
            string signedIn = SignIn(VisitorName);
            var view = ViewOf(_site, signedIn);
            Assert.That(view.QueueJson, Is.EqualTo(Json(new[] { Cmd("setUserId", VisitorName) }.Concat(Tail(_site, "42")))));
            Assert.That(view.Hit["uid"], Is.EqualTo(VisitorName));

            var home = Visit(_site, _site.Url("/"));
            Assert.That(home.QueueJson, Is.EqualTo(Json(new[] { Cmd("setUserId", VisitorName) }.Concat(Tail(_site, "42")))));
        }

        [Test]
        public void Identity_set_to_null_sends_no_user_id_even_when_signed_in()
        {
            SignIn(VisitorName);
            var view = Visit(_site, _site.Url("/Identity/Disabled"));

            Assert.That(_browser.Driver.FindElement(By.Id("user-name")).Text, Is.EqualTo(VisitorName), "still signed in");
            Assert.That(view.QueueJson, Is.EqualTo(Json(Tail(_site, "42"))));
            Assert.That(view.Hit.ContainsKey("uid"), Is.False);
        }

        [Test]
        public void Identity_override_wins_over_the_signed_in_name()
        {
            SignIn(VisitorName);
            var view = Visit(_site, _site.Url("/Identity/Override"));

            Assert.That(view.Hit["uid"], Is.EqualTo("sample-visitor@example.org"));
        }

        [Test]
        public void Signing_out_stops_the_identification()
        {
            SignIn(VisitorName);
            _browser.Driver.FindElement(By.CssSelector("#sign-out button")).Click();
            WaitForPage(path => path == "/", "the home page after signing out");
            var view = ViewOf(_site, _browser.Location);

            Assert.That(view.QueueJson, Is.EqualTo(Json(Tail(_site, "42"))));
        }

        [Test]
        public void DisableCookies_setting_pushes_disableCookies_and_the_tracker_sets_no_cookie()
        {
            var view = Visit(_options, _options.Url("/"));

            Assert.That(view.Fetched, Has.Member(_options.StandinUrl + "piwik.js"));
            Assert.That(view.QueueJson, Does.StartWith("[[\"disableCookies\"],"));
            Assert.That(view.Hit["idsite"], Is.EqualTo("7"));
            Assert.That(view.Hit["cookie"], Is.EqualTo("0"));
            Assert.That(_browser.Cookies, Does.Not.Contain("_pk_"));
        }

        [Test]
        public void Browser_without_JavaScript_loads_the_noscript_image_which_the_standin_records()
        {
            string url = _site.Url("/Legacy");
            _browser.ScriptsDisabled = true;
            try
            {
                _browser.Open(url);
            }
            finally
            {
                _browser.ScriptsDisabled = false;
            }

            var hits = new Standin(_site).WaitFor("the noscript image's request", TrackingTimeout, all => all.Any(r => r.Kind == "hit"))
                .Where(r => r.Kind == "hit").ToList();
            Assert.That(hits, Has.Count.EqualTo(1));
            Assert.That(hits[0].Path, Is.EqualTo("/matomo.php"));
            Assert.That(hits[0].Parameters, Is.EqualTo(new Dictionary<string, string> { ["idsite"] = "42", ["rec"] = "1" }),
                "the image's own parameters: rec=1, or Matomo drops the hit");
            Assert.That(hits[0].Verdicts.Select(v => v.ToString()), Is.EqualTo(new[] { "tracked" }));
            Assert.That(hits[0].Header("Referer"), Is.EqualTo(url), "Matomo takes the page from the Referer (no-referrer-when-downgrade)");
            Assert.That(hits[0].RemoteAddress, Is.EqualTo(BrowserAddress));
            Assert.That(new Standin(_site).All().Where(r => r.Kind == "script" || r.Kind == "commands"), Is.Empty,
                "without JavaScript nothing else was fetched or run");
        }

        // ---- internal addresses and proxies ----

        [Test]
        public void Client_behind_the_trusted_proxy_is_tracked_under_the_address_from_X_Forwarded_For()
        {
            // Browser (127.0.0.1) -> proxy (127.0.0.2, appends 127.0.0.1 to X-Forwarded-For) -> site.
            var view = Visit(_site, _site.ProxyUrl("/Internal"));

            Assert.That(Text("peer"), Is.EqualTo(TrustedProxy), "the site's peer is the proxy");
            Assert.That(Text("x-forwarded-for"), Is.EqualTo(BrowserAddress));
            Assert.That(Text("client-address"), Is.EqualTo(BrowserAddress),
                "the client is the address the trusted proxy put in X-Forwarded-For, not the proxy's own");
            Assert.That(Text("verdict"), Does.StartWith("Not internal"));
            view.AssertLoadedTrackerFrom(_site);
            Assert.That(view.QueueJson, Is.EqualTo(Json(Tail(_site, "42"))));
        }

        [Test]
        public void Internal_client_behind_the_trusted_proxy_gets_the_commented_out_snippet_and_sends_nothing()
        {
            // Browser -> office machine (127.0.0.3) -> trusted proxy (127.0.0.2, appends 127.0.0.3) -> site.
            _browser.Open(_site.OfficeUrl("/Legacy"));

            Assert.That(_browser.Html, Does.Contain(MatomoRenderer.InternalAddressComment));
            Assert.That(_browser.Html, Does.Contain("setCustomVariable"), "the page was rendered with its snippet, as a comment");
            AssertNothingSent(_site);

            _browser.Open(_site.OfficeUrl("/Internal"));
            Assert.That(Text("client-address"), Is.EqualTo(InternalAddress));
            Assert.That(Text("verdict"), Does.StartWith("Internal"));
            AssertNothingSent(_site);
        }

        [TestCase("direct", "X-Forwarded-For", InternalAddress)]
        [TestCase("direct", "Forwarded", "for=" + InternalAddress)]
        [TestCase("direct", "X-Forwarded-For", InternalAddress + ", " + TrustedProxy)]
        [TestCase("through the proxy", "X-Forwarded-For", InternalAddress)]
        public void Forwarding_header_forged_by_the_client_is_not_believed(string route, string header, string value)
        {
            // Claiming to be the internal address must not switch tracking off: the forged value comes from an
            // untrusted peer (127.0.0.1), or is to the left of it once the trusted proxy appended the real client.
            _browser.SetExtraHeaders(new Dictionary<string, string> { [header] = value });
            string url = route == "direct" ? _site.Url("/Internal") : _site.ProxyUrl("/Internal");
            _browser.Open(url);

            Assert.That(_browser.Html, Does.Not.Contain(MatomoRenderer.InternalAddressComment));
            Assert.That(Text("client-address"), Is.EqualTo(BrowserAddress));
            var view = ViewOf(_site, _browser.Location);
            view.AssertLoadedTrackerFrom(_site);
            Assert.That(view.Hit["idsite"], Is.EqualTo("42"));
        }

        // ---- helpers ----

        private PageView Visit(SampleHost host, string url, int hits = 1)
        {
            _browser.Open(url);
            return ViewOf(host, _browser.Location, hits);
        }

        /// <summary>What <paramref name="page"/> made the browser send to host's stand-in, once its queue and
        /// <paramref name="hits"/> tracking requests (page views of several sites, events) have arrived.</summary>
        private PageView ViewOf(SampleHost host, string page, int hits = 1)
        {
            var received = new Standin(host).WaitForPageView(page, TrackingTimeout, hits);
            Assert.That(received.Where(r => r.Kind == "hit" && r.Page == page).SelectMany(r => r.Verdicts).Select(v => v.ToString()), Is.All.EqualTo("tracked"),
                "every tracking request of the page is one Matomo tracks");
            return new PageView(page, received, _browser.FetchedResources());
        }

        /// <summary>The text of the current page's element with that id.</summary>
        private string Text(string id) => _browser.Driver.FindElement(By.Id(id)).Text.Trim();

        /// <summary>
        /// Asserts that the current page sent nothing to <paramref name="host"/>'s stand-in (cleared before the test).
        /// Not after a pause: the browser loads a marker image from the stand-in, and what the stand-in received
        /// before that marker must be nothing. A live snippet would have sent its requests before the marker: the
        /// snippet's script and the tracking requests it makes delay the page's load event (see
        /// Page_view_has_reached_the_standin_by_the_time_the_page_has_loaded), and the marker is requested after it.
        /// </summary>
        private void AssertNothingSent(SampleHost host)
        {
            var standin = new Standin(host);
            string marker = Guid.NewGuid().ToString("N");
            _browser.Driver.ExecuteScript("new Image().src = arguments[0];", standin.MarkerUrl(marker));
            Assert.That(standin.UpToMarker(marker, TrackingTimeout), Is.Empty, "nothing reached " + host.StandinUrl + " before the marker");
            Assert.That(_browser.FetchedResources().Where(u => u.StartsWith(host.StandinUrl) && !u.Contains("/standin/marker")), Is.Empty,
                "the browser requested nothing from the stand-in");
        }

        /// <summary>Signs in through the Sample's form, as a person would; returns the URL of the page it lands on.</summary>
        private string SignIn(string name, SampleHost host = null)
        {
            _browser.Open((host ?? _site).Url("/Account/SignIn"));
            _browser.Driver.FindElement(By.Id("userName")).SendKeys(name);
            _browser.Driver.FindElement(By.CssSelector("#sign-in button")).Click();
            WaitForPage(path => path == "/Account/SignedIn", "the signed-in page");
            return _browser.Location;
        }

        /// <summary>Polls <paramref name="condition"/> (for up to 30 s) until it holds.</summary>
        private void WaitFor(Func<bool> condition, string what)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                try { if (condition()) return; }
                catch (WebDriverException) { }   // the page is being replaced
                if (clock.Elapsed > TimeSpan.FromSeconds(30))
                    Assert.Fail("did not see " + what + "; at " + _browser.Location + ":\n" + _browser.Driver.FindElement(By.TagName("body")).Text);
                Thread.Sleep(100);
            }
        }

        private void WaitForPage(Func<string, bool> path, string what)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                var url = new Uri(_browser.Location);
                if (path(url.AbsolutePath) && (string)_browser.Driver.ExecuteScript("return document.readyState") == "complete") return;
                if (clock.Elapsed > TimeSpan.FromSeconds(30))
                    Assert.Fail("did not reach " + what + "; at " + url + ":\n" + _browser.Driver.FindElement(By.TagName("body")).Text);
                Thread.Sleep(100);
            }
        }

        /// <summary>What one page view made the browser do.</summary>
        private sealed class PageView
        {
            public PageView(string page, IReadOnlyList<Received> received, IReadOnlyList<string> fetched)
            {
                Page = page;
                Received = received;
                Fetched = fetched;
                var queues = received.Where(r => r.Kind == "commands" && r.Page == page && r.Phase == "queue").ToList();
                Assert.That(queues, Has.Count.EqualTo(1), "one command queue reported for " + page);
                Queue = queues[0];
                QueueJson = Queue.CommandsJson;
                Hits = received.Where(r => r.Kind == "hit" && r.Page == page).Select(r => (IDictionary<string, string>)r.Parameters).ToList();
                PageViews = Hits.Where(h => !h.ContainsKey("e_c") && !h.ContainsKey("idgoal")).ToList();   // events carry a category, goals and ecommerce a goal id
                foreach (var site in PageViews.GroupBy(h => h["idsite"]))
                    Assert.That(site.Count(), Is.EqualTo(1), "one page view tracked for " + page + " in site " + site.Key);
            }

            public string Page { get; }
            public IReadOnlyList<Received> Received { get; }
            public IReadOnlyList<string> Fetched { get; }
            /// <summary>The stand-in matomo.js's report of the page's queue (sent once the requests it caused were answered).</summary>
            public Received Queue { get; }
            /// <summary>The _paq commands the page had pushed when matomo.js ran, in order, as JSON.</summary>
            public string QueueJson { get; }
            /// <summary>The parameters of every tracking request the page sent to this stand-in.</summary>
            public IReadOnlyList<IDictionary<string, string>> Hits { get; }
            /// <summary>Those of its page views (not events), one per site.</summary>
            public IReadOnlyList<IDictionary<string, string>> PageViews { get; }

            /// <summary>The parameters of the page's one page view.</summary>
            public IDictionary<string, string> Hit
            {
                get
                {
                    Assert.That(PageViews, Has.Count.EqualTo(1), "one page view tracked for " + Page);
                    return PageViews[0];
                }
            }

            /// <summary>The page view sent to site <paramref name="siteId"/>.</summary>
            public IDictionary<string, string> HitFor(string siteId)
            {
                var hit = PageViews.FirstOrDefault(h => h["idsite"] == siteId);
                Assert.That(hit, Is.Not.Null, "a page view for site " + siteId + " from " + Page);
                return hit;
            }

            /// <summary>The page fetched matomo.js from host's stand-in, which saw the request come from this page.</summary>
            public void AssertLoadedTrackerFrom(SampleHost host, string scriptPath = "matomo.js")
            {
                string script = host.StandinUrl + scriptPath;
                Assert.That(Fetched, Has.Member(script), "the browser fetched the tracker script");
                var origin = new Uri(Page).GetLeftPart(UriPartial.Authority) + "/";
                Assert.That(Received.Where(r => r.Kind == "script").Select(r => r.Page), Has.Some.EqualTo(Page).Or.Some.EqualTo(origin),
                    "the stand-in served matomo.js to this page (Referer)");
            }
        }
    }
}

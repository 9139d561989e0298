using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using NUnit.Framework;
using OpenQA.Selenium;

namespace Matomo.Mvc5.Tests.EndToEnd
{
    /// <summary>
    /// Matomo.Mvc5.Sample under its real host (nginx + fastcgi-mono-server4), visited by headless Chromium. Every
    /// assertion is about what the browser did: which scripts it fetched, which _paq commands the stand-in's
    /// matomo.js found and ran, which tracking requests reached the stand-in.
    /// </summary>
    [TestFixture, NonParallelizable, Category("EndToEnd")]
    public partial class SampleInBrowserTests
    {
        private const string InternalAddress = "127.0.0.3";   // the "office machine" of sample-host.sh
        private const string TrustedProxy = "127.0.0.2";      // the reverse proxy of sample-host.sh
        private static readonly TimeSpan TrackingTimeout = TimeSpan.FromSeconds(20);

        private SampleHost _site;       // SiteId 42, cookies on, with the proxy and the office machine
        private SampleHost _options;    // SiteId 7, DisableCookies, RespectDoNotTrack, tracker options, a tracker on _site
        private SampleHost _defaults;   // the Sample as ./build.sh sample serves it (Web.config's settings)
        private SampleHost _consent;    // SiteId 3, RequireConsent=tracking
        private SampleHost _container;  // a Tag Manager container and no SiteId: no classic tracker
        private HeadlessChromium _browser;

        private IEnumerable<SampleHost> Hosts => new[] { _site, _options, _defaults, _consent, _container }.Where(h => h != null);

        /// <summary>
        /// Web.config's settings that add to every page (consent banner, second site, Tag Manager): emptied on the
        /// hosts whose tests are about something else, so that their pages show only what is tested.
        /// </summary>
        private static Dictionary<string, string> Plain(Dictionary<string, string> settings)
        {
            foreach (var key in new[] { "matomo:RequireConsent", "matomo:AdditionalTrackers", "matomo:ContainerId" })
                if (!settings.ContainsKey(key)) settings[key] = "";
            return settings;
        }

        [OneTimeSetUp]
        public void StartHostsAndBrowser()
        {
            var clock = Stopwatch.StartNew();
            // All five start at once; each is an nginx, a fastcgi-mono-server4 and a Matomo stand-in of its own.
            _site = SampleHost.Begin("site", Plain(new Dictionary<string, string>
            {
                ["matomo:SiteId"] = "42",
                ["matomo:InternalIps"] = InternalAddress,
                ["analytical:TrustedProxies"] = TrustedProxy,
            }), SampleHost.WithProxies);
            _defaults = SampleHost.Begin("defaults", new Dictionary<string, string>());
            _consent = SampleHost.Begin("consent", Plain(new Dictionary<string, string>
            {
                ["matomo:SiteId"] = "3",
                ["matomo:RequireConsent"] = "tracking",
            }));
            _container = SampleHost.Begin("container", Plain(new Dictionary<string, string>
            {
                ["matomo:SiteId"] = "",
                ["matomo:ContainerId"] = ContainerId,
            }));
            _site.WaitForStandin(TimeSpan.FromMinutes(1));   // _options tracks to it as "another server"
            _options = SampleHost.Begin("options", Plain(new Dictionary<string, string>
            {
                ["matomo:SiteId"] = "7",
                ["matomo:DisableCookies"] = "true",
                ["matomo:RespectDoNotTrack"] = "true",
                ["matomo:EnableLinkTracking"] = "false",
                ["matomo:HeartBeatSeconds"] = "15",
                ["matomo:TrackerPath"] = "piwik.php",
                ["matomo:ScriptPath"] = "piwik.js",
                ["matomo:AdditionalTrackers"] = _site.DomainPath + "|5",   // another server: _site's stand-in
            }));
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
                    catch (Exception e) { TestContext.Progress.WriteLine("stopping " + host.DomainPath + ": " + e.Message); }
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
        // (No "<": ASP.NET's request validation refuses it in a form field.)
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

            Assert.That(view.Fetched, Has.Member("http://" + _options.DomainPath + "/piwik.js"));
            Assert.That(view.QueueJson, Does.StartWith("[[\"disableCookies\"],"));
            Assert.That(view.Hit["idsite"], Is.EqualTo("7"));
            Assert.That(view.Hit["cookie"], Is.EqualTo("0"));
            Assert.That(_browser.Cookies, Does.Not.Contain("_pk_"));
        }

        [Test]
        public void Client_behind_the_trusted_proxy_is_tracked()
        {
            // Browser (127.0.0.1) -> proxy -> site: the site's peer is the proxy; the client comes from X-Forwarded-For.
            var view = Visit(_site, _site.ProxyUrl("/Legacy"));

            view.AssertLoadedTrackerFrom(_site);
            Assert.That(view.QueueJson, Does.EndWith(Json(Tail(_site, "42")).Substring(1)));
        }

        [Test]
        public void Internal_client_behind_the_trusted_proxy_gets_the_commented_out_snippet_and_sends_nothing()
        {
            // Browser -> office machine (127.0.0.3) -> trusted proxy (127.0.0.2, appends 127.0.0.3) -> site.
            _browser.Open(_site.OfficeUrl("/Legacy"));

            Assert.That(_browser.Html, Does.Contain(MatomoRenderer.InternalAddressComment));
            Assert.That(_browser.Html, Does.Contain("setCustomVariable"), "the page was rendered with its snippet, as a comment");
            // A live snippet fetches matomo.js before the load event, which Open waits for.
            Assert.That(_browser.FetchedResources().Where(u => u.Contains("matomo")), Is.Empty);
            Assert.That(new Standin(_site).All(), Is.Empty);
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
            string url = route == "direct" ? _site.Url("/Legacy") : _site.ProxyUrl("/Legacy");
            _browser.Open(url);

            Assert.That(_browser.Html, Does.Not.Contain(MatomoRenderer.InternalAddressComment));
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
            return new PageView(page, received, _browser.FetchedResources());
        }

        /// <summary>Signs in through the Sample's form, as a person would; returns the URL of the page it lands on.</summary>
        private string SignIn(string name)
        {
            _browser.Open(_site.Url("/Account/SignIn"));
            _browser.Driver.FindElement(By.Id("userName")).SendKeys(name);
            _browser.Driver.FindElement(By.CssSelector("#sign-in button")).Click();
            WaitForPage(path => path == "/Account/SignedIn", "the signed-in page");
            return _browser.Location;
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
                QueueJson = queues[0].CommandsJson;
                Hits = received.Where(r => r.Kind == "hit" && r.Page == page).Select(r => r.Parameters).ToList();
                PageViews = Hits.Where(h => !h.ContainsKey("e_c")).ToList();   // events carry a category
                foreach (var site in PageViews.GroupBy(h => h["idsite"]))
                    Assert.That(site.Count(), Is.EqualTo(1), "one page view tracked for " + page + " in site " + site.Key);
            }

            public string Page { get; }
            public IReadOnlyList<Received> Received { get; }
            public IReadOnlyList<string> Fetched { get; }
            /// <summary>The _paq commands the page had pushed when matomo.js ran, in order, as JSON.</summary>
            public string QueueJson { get; }
            /// <summary>The query parameters of every tracking request the page sent to this stand-in.</summary>
            public IReadOnlyList<IDictionary<string, string>> Hits { get; }
            /// <summary>Those of its page views (not events), one per site.</summary>
            public IReadOnlyList<IDictionary<string, string>> PageViews { get; }

            /// <summary>The query parameters of the page's one page view.</summary>
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
                string script = "http://" + host.DomainPath + "/" + scriptPath;
                Assert.That(Fetched, Has.Member(script), "the browser fetched the tracker script");
                var origin = new Uri(Page).GetLeftPart(UriPartial.Authority) + "/";
                Assert.That(Received.Where(r => r.Kind == "script").Select(r => r.Page), Has.Some.EqualTo(Page).Or.Some.EqualTo(origin),
                    "the stand-in served matomo.js to this page (Referer)");
            }
        }
    }
}

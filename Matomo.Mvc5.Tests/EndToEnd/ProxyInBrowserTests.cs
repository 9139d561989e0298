using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.EndToEnd
{
    /// <summary>
    /// The tracker proxy under the real host (nginx + fastcgi-mono-server4), visited by headless Chromium that cannot
    /// resolve the Matomo host name: the page's hit still reaches the stand-in, through the site (queued, the default:
    /// delivered by the outbox), with the client address that the trusted proxy forwarded as <c>cip</c> and the
    /// proxy's token; the Tag Manager container comes through the site too.
    /// </summary>
    [TestFixture, NonParallelizable, Category("EndToEnd")]
    public class ProxyInBrowserTests
    {
        // Not the stand-in's default token: the host hands matomo:ProxyTokenAuth on to it (--token), as Matomo knows its own.
        private const string Token = "fedcba9876543210fedcba9876543210";
        private const string Office = "127.0.0.3";       // the "office machine" of sample-host.sh: the client behind the proxy
        private const string TrustedProxy = "127.0.0.2"; // the reverse proxy of sample-host.sh
        private const string MatomoHost = "localhost";   // how the site names Matomo; Chromium cannot resolve it
        private const string ContainerId = "Sample01";
        private static readonly TimeSpan TrackingTimeout = TimeSpan.FromSeconds(20);

        private SampleHost _host;
        private HeadlessChromium _browser;
        private Standin _standin;

        [OneTimeSetUp]
        public void Start()
        {
            // The stand-in plays a Matomo installed in a folder (/matomo/) of an internal server; "{standin_port}" is
            // its port, which the host fills in once the stand-in listens.
            _host = SampleHost.Begin("proxy", new Dictionary<string, string>
            {
                ["matomo:SiteId"] = "42",
                ["matomo:DomainPath"] = MatomoHost + ":{standin_port}/matomo",
                ["matomo:ProxyPath"] = "insights",
                ["matomo:ProxyUpstream"] = "http://" + MatomoHost + ":{standin_port}/matomo/",
                ["matomo:ProxyTokenAuth"] = Token,
                ["analytical:TrustedProxies"] = TrustedProxy,
                ["matomo:ContainerId"] = ContainerId,
            }, SampleHost.WithProxies.Concat(new[] { "--standin-base", "/matomo/" }).ToArray());
            _host.WaitUntilReady(TimeSpan.FromMinutes(3));
            _browser = new HeadlessChromium(Path.Combine(SampleHost.RunDirectory, "chromium-proxy-profile"),
                "--host-resolver-rules=MAP " + MatomoHost + " ~NOTFOUND");
            _standin = new Standin(_host);
        }

        [OneTimeTearDown]
        public void Stop()
        {
            try { _browser?.Dispose(); }
            finally
            {
                _host?.Dispose();
                SampleHost.DeleteRunDirectory();
            }
        }

        [SetUp]
        public void FreshVisitor()
        {
            _browser.ClearCookies();
            _browser.SetExtraHeaders(new Dictionary<string, string>());
            _standin.Clear();
        }

        private Received WaitForHit(string url)
        {
            _browser.Open(url);
            IReadOnlyList<Received> all = _standin.WaitFor("a hit through the proxy", TrackingTimeout, r => r.Any(x => x.Kind == "hit"));
            return all.First(x => x.Kind == "hit");
        }

        /// <summary>The page view's parameters and verdict in <paramref name="hit"/>: the outbox's bulk request, one entry.</summary>
        private static (Dictionary<string, string> Parameters, string Verdict) PageView(Received hit)
        {
            Assert.That(hit.Requests, Is.Not.Null, "queued: delivered by the outbox as a bulk request");
            Assert.That(hit.Requests.Count, Is.EqualTo(1));
            return (hit.Requests[0], hit.Verdicts.Single().ToString());
        }

        [Test]
        public void Hit_reaches_matomo_through_the_site_with_the_trusted_proxys_client_as_cip_not_a_forged_one()
        {
            // The browser forges X-Forwarded-For; the office machine and the trusted proxy append the real addresses.
            _browser.SetExtraHeaders(new Dictionary<string, string> { ["X-Forwarded-For"] = "203.0.113.77" });
            Received hit = WaitForHit(_host.OfficeUrl("/"));

            Assert.That(hit.Path, Is.EqualTo("/matomo/matomo.php"), "delivered to the upstream's tracker");
            var (view, verdict) = PageView(hit);
            Assert.That(view["idsite"], Is.EqualTo("42"));
            Assert.That(view["cip"], Is.EqualTo(Office), "the client the trusted proxy named");
            Assert.That(view["ua"], Does.Contain("Chrome"), "the browser's User-Agent, as a parameter");
            Assert.That(hit.Parameters["token_auth"], Is.EqualTo(Token), "the token at the top of the bulk body");
            Assert.That(hit.Target, Does.Not.Contain("token_auth"));
            Assert.That(verdict, Is.EqualTo("tracked"), "Matomo takes the cip with the proxy's token");
            Assert.That(hit.RemoteAddress, Does.StartWith("127.0.0.1").Or.StartWith("::1").Or.StartWith("::ffff:127.0.0.1"), "the site itself asked");

            IReadOnlyList<string> fetched = _browser.FetchedResources();
            Assert.That(fetched, Has.Some.EqualTo(_host.OfficeUrl("/insights/matomo.js")));
            Assert.That(fetched, Has.Some.EqualTo(_host.OfficeUrl("/insights/js/container_" + ContainerId + ".js")), "the Tag Manager container through the site");
            Assert.That(fetched.Where(u => u.Contains(MatomoHost)), Is.Empty, "the browser never went to Matomo's host");
            string snippet = _browser.Html.Substring(_browser.Html.IndexOf("var _paq", StringComparison.Ordinal));
            Assert.That(snippet, Does.Not.Contain(MatomoHost).And.Not.Contain(Token));
        }

        [Test]
        public void Tracking_works_under_default_src_self_with_the_nonce()
        {
            Received hit = WaitForHit(_host.Url("/Csp/SelfOnly"));
            var (view, verdict) = PageView(hit);
            Assert.That(view["action_name"], Does.StartWith("CSP nonce"));
            Assert.That(view["cip"], Is.EqualTo("127.0.0.1"), "a direct visitor is its own client");
            Assert.That(verdict, Is.EqualTo("tracked"));
            Assert.That(_browser.FetchedResources(), Has.Some.EqualTo(_host.Url("/insights/matomo.js")));
        }
    }
}

using System;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Linq;
using System.Web;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Tests.Support;
using Matomo.Mvc5.Tracking;
using NUnit.Framework;
using Keys = Matomo.Mvc5.Configuration.MatomoSettings.Keys;

namespace Matomo.Mvc5.Tests.Web
{
    /// <summary><see cref="MatomoTracker"/> on a Moq'd request: the browser's visitor, the site's rules, the arguments.</summary>
    public class MatomoTrackerTests
    {
        private sealed class RecordingSink : IHitSink
        {
            public readonly List<(string Query, string Address)> Hits = new List<(string, string)>();
            public readonly List<string> SkippedCauses = new List<string>();
            public bool Throw;

            public bool Accept(string query, string visitorAddress)
            {
                if (Throw) throw new InvalidOperationException("the outbox broke");
                Hits.Add((query, visitorAddress));
                return true;
            }

            public void Skipped(string cause) => SkippedCauses.Add(cause);
        }

        private RecordingSink _sink;
        private IHitSink _before;

        [SetUp]
        public void UseRecordingSink()
        {
            _before = MatomoDelivery.Sink;
            MatomoDelivery.Sink = _sink = new RecordingSink();
            Configure();
        }

        [TearDown]
        public void Restore()
        {
            MatomoDelivery.Sink = _before;
            MatomoConfiguration.Override(null);
        }

        private static void Configure(params (string, string)[] more) => MatomoConfiguration.Override(TestSettings.Basic(more));

        private const string VisitorId = "5a4d3e2f1b0c9d8e";

        /// <summary>A browser on www.example.com that has Matomo's visitor cookie, behind the loopback proxy.</summary>
        private static FakeHttp Browser(string cookieDomain = null)
        {
            var http = new FakeHttp
            {
                RemoteAddress = "127.0.0.1", Url = new Uri("https://www.example.com/shop/checkout?step=2"),
                Referrer = new Uri("https://www.example.com/shop/cart"), UserAgent = "Mozilla/5.0 (X11; Linux)",
            };
            http.Headers["X-Forwarded-For"] = "203.0.113.9";
            http.Headers["Accept-Language"] = "de-DE,de;q=0.9";
            http.Cookies.Add(new HttpCookie(VisitorCookie.Name(4, cookieDomain, "www.example.com"), VisitorId + ".1733230000."));
            return http;
        }

        private NameValueCollection OnlyHit()
        {
            Assert.That(_sink.Hits, Has.Count.EqualTo(1));
            return HttpUtility.ParseQueryString(_sink.Hits[0].Query.Substring(1));
        }

        [Test]
        public void A_request_continues_the_browsers_visitor_with_its_page_browser_and_address()
        {
            FakeHttp http = Browser();
            http.User = FakeHttp.SignedIn("jane");
            MatomoTracker tracker = MatomoTracker.For(http.Build());
            Assert.That(tracker.VisitorId, Is.EqualTo(VisitorId));
            Assert.That(tracker.SkippedBecause, Is.Null);
            Assert.That(tracker.TrackEvent("Checkout", "Step", "2"), Is.True);
            NameValueCollection hit = OnlyHit();
            Assert.That(hit["idsite"], Is.EqualTo("4"));
            Assert.That(hit["_id"], Is.EqualTo(VisitorId));
            Assert.That(hit["_idts"], Is.EqualTo("1733230000"));
            Assert.That(hit["cid"], Is.Null, "a cookie's visitor is not forced");
            Assert.That(hit["uid"], Is.EqualTo("jane"));
            Assert.That(hit["url"], Is.EqualTo("https://www.example.com/shop/checkout?step=2"));
            Assert.That(hit["urlref"], Is.EqualTo("https://www.example.com/shop/cart"));
            Assert.That(hit["ua"], Is.EqualTo("Mozilla/5.0 (X11; Linux)"));
            Assert.That(hit["lang"], Is.EqualTo("de-DE,de;q=0.9"));
            Assert.That(_sink.Hits[0].Address, Is.EqualTo("203.0.113.9"), "the module's resolution behind the trusted proxy");
            Assert.That(hit.AllKeys, Has.None.EqualTo("cip").And.None.EqualTo("token_auth").And.None.EqualTo("cdt"));
        }

        [Test]
        public void A_forged_forwarding_header_is_not_the_visitors_address()
        {
            FakeHttp http = Browser();
            http.RemoteAddress = "198.51.100.7"; // not a trusted proxy
            MatomoTracker.For(http.Build()).TrackPageView("Thanks");
            OnlyHit();
            Assert.That(_sink.Hits[0].Address, Is.EqualTo("198.51.100.7"));
        }

        [Test]
        public void The_cookie_is_found_under_the_cookie_domains_name()
        {
            Configure((Keys.CookieDomain, "*.example.com"));
            Assert.That(MatomoTracker.For(Browser("*.example.com").Build()).VisitorId, Is.EqualTo(VisitorId));
            Assert.That(MatomoTracker.For(Browser().Build()).VisitorId, Is.Null, "a cookie under the host's name is another site's cookie");
        }

        [Test]
        public void The_identity_follows_the_snippets_rules()
        {
            FakeHttp http = Browser();
            http.User = FakeHttp.SignedIn("jane");
            HttpContextBase context = http.Build();
            context.GetMatomoPage().SetUserId("customer-17");
            MatomoTracker.For(context).TrackPageView();
            Assert.That(OnlyHit()["uid"], Is.EqualTo("customer-17"));
            _sink.Hits.Clear();
            Configure((Keys.AutoIdentify, "false"));
            FakeHttp again = Browser();
            again.User = FakeHttp.SignedIn("jane");
            MatomoTracker.For(again.Build()).TrackPageView();
            Assert.That(OnlyHit()["uid"], Is.Null);
        }

        private string SkippedWith(Action<FakeHttp> arrange, params (string, string)[] settings)
        {
            Configure(settings);
            _sink.SkippedCauses.Clear();
            FakeHttp http = Browser();
            arrange(http);
            MatomoTracker tracker = MatomoTracker.For(http.Build());
            Assert.That(tracker.TrackEvent("Order", "Paid"), Is.False);
            Assert.That(tracker.TrackDownload("https://www.example.com/files/a.pdf"), Is.False);
            Assert.That(_sink.Hits, Is.Empty);
            Assert.That(_sink.SkippedCauses, Is.EqualTo(new[] { tracker.SkippedBecause, tracker.SkippedBecause }), "each skipped hit is counted");
            return tracker.SkippedBecause;
        }

        [Test]
        public void The_sites_rules_skip_hits_and_count_them_by_cause()
        {
            Assert.That(SkippedWith(h => h.Headers["X-Forwarded-For"] = "10.1.2.3", (Keys.InternalIps, "10.0.0.0/8")), Is.EqualTo("internal-address"));
            Assert.That(SkippedWith(h => h.Headers["DNT"] = "1", (Keys.RespectDoNotTrack, "true")), Is.EqualTo("do-not-track"));
            Assert.That(SkippedWith(h => h.Headers["Sec-GPC"] = "1", (Keys.RespectDoNotTrack, "true")), Is.EqualTo("do-not-track"));
            Assert.That(SkippedWith(h => h.AppRelativePath = "~/admin/orders", (Keys.ExcludedPaths, "~/admin")), Is.EqualTo("excluded"));
            Assert.That(SkippedWith(h => h.User = new System.Security.Principal.GenericPrincipal(new System.Security.Principal.GenericIdentity("ops", "Forms"), new[] { "Staff" }),
                (Keys.ExcludedRoles, "Staff")), Is.EqualTo("excluded"));
            Assert.That(SkippedWith(h => h.Cookies.Add(new HttpCookie("mtm_consent_removed", "1"))), Is.EqualTo("opted-out"));
            Assert.That(SkippedWith(h => { }, (Keys.RequireConsent, "tracking")), Is.EqualTo("no-consent"));
        }

        [Test]
        public void MatomoExclude_and_the_pages_exclusion_skip_server_side_hits_too()
        {
            HttpContextBase context = Browser().Build();
            context.GetMatomoPage().Exclude("load test");
            MatomoTracker tracker = MatomoTracker.For(context);
            Assert.That(tracker.TrackPageView(), Is.False);
            Assert.That(tracker.SkippedBecause, Is.EqualTo("excluded"));
        }

        [Test]
        public void Without_those_rules_applying_the_hit_is_sent()
        {
            Configure((Keys.RespectDoNotTrack, "false"), (Keys.InternalIps, "10.0.0.0/8"));
            FakeHttp http = Browser();
            http.Headers["DNT"] = "1";
            Assert.That(MatomoTracker.For(http.Build()).TrackPageView(), Is.True);
            OnlyHit();
        }

        [Test]
        public void Consent_given_sends_and_cookies_consent_missing_sends_without_the_visitor_id()
        {
            Configure((Keys.RequireConsent, "tracking"));
            FakeHttp consented = Browser();
            consented.Cookies.Add(new HttpCookie("mtm_consent", "1733230000000"));
            Assert.That(MatomoTracker.For(consented.Build()).TrackPageView(), Is.True);
            Assert.That(OnlyHit()["_id"], Is.EqualTo(VisitorId));
            _sink.Hits.Clear();

            Configure((Keys.RequireConsent, "cookies"));
            Assert.That(MatomoTracker.For(Browser().Build()).TrackPageView(), Is.True);
            Assert.That(OnlyHit()["_id"], Is.Null, "no cookie consent: no visitor id");
            _sink.Hits.Clear();
            FakeHttp cookiesConsented = Browser();
            cookiesConsented.Cookies.Add(new HttpCookie("mtm_cookie_consent", "1733230000000"));
            MatomoTracker.For(cookiesConsented.Build()).TrackPageView();
            Assert.That(OnlyHit()["_id"], Is.EqualTo(VisitorId));
            _sink.Hits.Clear();

            Configure((Keys.DisableCookies, "true"));
            MatomoTracker.For(Browser().Build()).TrackPageView();
            Assert.That(OnlyHit()["_id"], Is.Null, "cookies disabled: Matomo's cookie is not read");
        }

        [Test]
        public void A_webhook_continues_the_visitor_the_site_kept_with_the_order()
        {
            MatomoTracker webhook = MatomoTracker.ForVisitor(VisitorId.ToUpperInvariant()).SetUrl("https://www.example.com/shop/order/A-17");
            var items = new[] { new MatomoEcommerceItem("SKU-1", "Blue shoe", "Shoes", 49.5m, 2) };
            Assert.That(webhook.TrackEcommerceOrder("A-17", items, 99m), Is.True);
            NameValueCollection hit = OnlyHit();
            Assert.That(hit["_id"], Is.EqualTo(VisitorId));
            Assert.That(hit["cid"], Is.EqualTo(VisitorId), "the site named the visitor: Matomo looks the visit up by it alone");
            Assert.That(hit["ec_id"], Is.EqualTo("A-17"));
            Assert.That(hit["url"], Is.EqualTo("https://www.example.com/shop/order/A-17"));
            Assert.That(_sink.Hits[0].Address, Is.Null, "no request: no address, so no cip");
        }

        [Test]
        public void A_user_id_alone_is_a_visitor_too()
        {
            MatomoTracker.ForUser("customer-17").TrackGoal(2, 10m);
            NameValueCollection hit = OnlyHit();
            Assert.That(hit["uid"], Is.EqualTo("customer-17"));
            Assert.That(hit["idgoal"], Is.EqualTo("2"));
        }

        private static void Refused<T>(TestDelegate call, string argument) where T : ArgumentException
        {
            var e = Assert.Throws<T>(call);
            Assert.That(e.ParamName, Is.EqualTo(argument));
            Assert.That(e.Message, Does.StartWith("MatomoTracker."));
        }

        [Test]
        public void A_wrong_argument_throws_at_once_naming_it()
        {
            MatomoTracker t = MatomoTracker.For(Browser().Build());
            Refused<ArgumentException>(() => t.TrackEvent("", "Play"), "category");
            Refused<ArgumentNullException>(() => t.TrackEvent("Videos", null), "action");
            Refused<ArgumentOutOfRangeException>(() => t.TrackEvent("Videos", "Play", null, double.NaN), "value");
            Refused<ArgumentOutOfRangeException>(() => t.TrackGoal(0), "goalId");
            Refused<ArgumentOutOfRangeException>(() => t.TrackGoal(1, -1m), "revenue");
            Refused<ArgumentOutOfRangeException>(() => t.TrackSiteSearch("shoes", null, -1), "resultsCount");
            Refused<ArgumentException>(() => t.TrackEcommerceOrder(" ", null, 1m), "orderId");
            Refused<ArgumentOutOfRangeException>(() => t.TrackEcommerceOrder("A-1", null, 1m, tax: -0.5m), "tax");
            Refused<ArgumentException>(() => t.TrackEcommerceCartUpdate(new MatomoEcommerceItem[0], 0m), "items");
            Refused<ArgumentException>(() => t.TrackEcommerceOrder("A-1", new MatomoEcommerceItem[] { null }, 1m), "items");
            Assert.Throws<ArgumentOutOfRangeException>(() => new MatomoEcommerceItem("SKU", null, (string)null, 1m, -2), "a negative quantity");
            Refused<ArgumentException>(() => t.TrackDownload("/files/a.pdf"), "url");
            Refused<ArgumentException>(() => t.ForSite("seven"), "siteId");
            Refused<ArgumentException>(() => t.ForSite("-7"), "siteId");
            Refused<ArgumentException>(() => t.SetParameter("CIP", "1.2.3.4"), "name");
            Refused<ArgumentException>(() => t.SetParameter("token_auth", "x"), "name");
            Refused<ArgumentException>(() => t.SetParameter("token.auth", "x"), "name");
            Refused<ArgumentException>(() => t.SetParameter(" cip[]", "1.2.3.4"), "name");
            Refused<ArgumentException>(() => t.SetParameter("country[x]", "fr"), "name");
            Refused<ArgumentException>(() => MatomoTracker.ForVisitor("not-hex-at-all!!"), "visitorId");
            Refused<ArgumentNullException>(() => MatomoTracker.ForVisitor(null), "visitorId");
            Refused<ArgumentException>(() => MatomoTracker.ForUser(""), "userId");
            Assert.That(_sink.Hits, Is.Empty, "nothing was sent for a refused call");
        }

        [Test]
        public void Another_site_dimensions_variables_and_raw_parameters_ride_on_the_following_hits()
        {
            MatomoTracker t = MatomoTracker.For(Browser().Build()).ForSite("7")
                .SetCustomDimension(3, "gold").SetCustomVariable(1, "Plan", "Gold").SetParameter("pv_id", "a1b2c3");
            t.TrackPageView("Plans");
            NameValueCollection hit = OnlyHit();
            Assert.That(hit["idsite"], Is.EqualTo("7"));
            Assert.That(hit["dimension3"], Is.EqualTo("gold"));
            Assert.That(hit["cvar"], Is.EqualTo("{\"1\":[\"Plan\",\"Gold\"]}"));
            Assert.That(hit["pv_id"], Is.EqualTo("a1b2c3"));
            Assert.That(hit["action_name"], Is.EqualTo("Plans"));
        }

        [Test]
        public void An_outbox_that_throws_never_reaches_the_caller()
        {
            _sink.Throw = true;
            Assert.That(MatomoTracker.For(Browser().Build()).TrackPageView(), Is.False);
        }

        [Test]
        public void Without_a_site_id_nothing_is_sent_and_nothing_throws()
        {
            MatomoConfiguration.Override(TestSettings.Create((Keys.DomainPath, "matomo.example.com")));
            MatomoTracker t = MatomoTracker.For(Browser().Build());
            Assert.That(t.TrackPageView(), Is.False);
            Assert.That(t.SkippedBecause, Is.EqualTo("not-configured"));
            Assert.That(MatomoTracker.ForUser("u").TrackPageView(), Is.False);
        }
    }
}

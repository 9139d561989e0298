using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text.Json;
using Matomo.Mvc5.Rendering;
using NUnit.Framework;
using OpenQA.Selenium;

namespace Matomo.Mvc5.Tests.EndToEnd
{
    /// <summary>
    /// The features beyond django-analytical, each on the Sample page or host setting that shows it: CSP nonce, custom
    /// dimensions, page commands (404, events), consent, Do Not Track / GPC, tracker options, additional trackers,
    /// Tag Manager. As before, every assertion is about what the browser did.
    /// </summary>
    public partial class SampleInBrowserTests
    {
        private const string ContainerId = "aBcD1234";           // _container's
        private const string SampleContainerId = "Sample01";     // _features'

        /// <summary>What every page of _features pushes after its own commands: cookie consent, site 1, site 2.</summary>
        private object[][] FeaturesTail => new[]
        {
            Cmd("requireCookieConsent"),
            Cmd("trackPageView"),
            Cmd("enableLinkTracking"),
            Cmd("setTrackerUrl", "//" + _features.DomainPath + "/matomo.php"),
            Cmd("setSiteId", "1"),
            Cmd("addTracker", "//" + _features.DomainPath + "/matomo.php", "2"),
        };

        private static string ContainerUrl(SampleHost host, string id) => host.StandinUrl + "js/container_" + id + ".js";

        /// <summary>The "event" of each _mtm event a Tag Manager container reported for <paramref name="page"/>.</summary>
        private static List<string> ContainerEvents(IEnumerable<Received> received, string page) =>
            received.Where(r => r.Kind == "commands" && r.Phase == "mtm" && r.Page == page)
                .SelectMany(r => r.Commands.EnumerateArray())
                .Select(e => e.TryGetProperty("event", out var name) ? name.GetString() : "(no event) " + e.GetRawText())
                .ToList();

        private IReadOnlyList<Received> WaitForContainer(SampleHost host, string page) =>
            new Standin(host).WaitFor("_mtm events from the container for " + page, TrackingTimeout,
                all => all.Any(r => r.Kind == "commands" && r.Phase == "mtm" && r.Page == page));

        // ---- 1. CSP nonce ----

        [Test]
        public void Csp_page_sends_a_strict_nonce_policy()
        {
            Assert.That(Http.Get(_defaults.Url("/Csp"), out _, out var headers), Is.EqualTo(HttpStatusCode.OK));
            Assert.That(headers["Content-Security-Policy"],
                Does.Match("^script-src 'nonce-[A-Za-z0-9+/]{24}'; object-src 'none'; base-uri 'none'$"),
                "only the nonce: no host allowance, no 'unsafe-inline'");
        }

        [Test]
        public void Csp_nonce_from_HttpContext_Items_lets_the_snippet_and_matomo_js_run()
        {
            var view = Visit(_defaults, _defaults.Url("/Csp"));

            view.AssertLoadedTrackerFrom(_defaults);
            Assert.That(view.QueueJson, Is.EqualTo(Json(Tail(_defaults, "1"))));
            Assert.That(view.Hit["action_name"], Does.StartWith("CSP nonce"));
        }

        [Test]
        public void Csp_nonce_also_lets_the_container_and_the_sites_own_inline_script_run()
        {
            var view = Visit(_features, _features.Url("/Csp"), hits: 2);

            view.AssertLoadedTrackerFrom(_features);
            Assert.That(view.QueueJson, Is.EqualTo(Json(FeaturesTail)));
            Assert.That(_browser.FetchedResources(), Has.Member(ContainerUrl(_features, SampleContainerId)));
            Assert.That(ContainerEvents(WaitForContainer(_features, view.Page), view.Page), Is.EqualTo(new[] { "mtm.Start" }));

            // The site's own inline script (the consent banner's) carries the nonce as well, and runs.
            _browser.Driver.FindElement(By.Id("consent-accept")).Click();
            new Standin(_features).WaitFor("the banner's rememberCookieConsentGiven", TrackingTimeout,
                all => all.Any(r => r.Kind == "commands" && r.Phase == "push" && r.Page == view.Page));
        }

        [Test]
        public void Csp_page_without_the_nonce_in_Items_runs_no_script_and_sends_nothing()
        {
            _browser.Open(_defaults.Url("/Csp/WithoutNonce"));

            Assert.That(_browser.Html, Does.Contain("_paq.push([\"trackPageView\"]);"), "the snippet is on the page");
            Assert.That(_browser.Driver.FindElements(By.CssSelector("script[nonce]")), Is.Empty, "without a nonce");
            AssertNothingSent(_defaults);
        }

        // ---- 2. Custom dimensions ----

        [Test]
        public void Custom_dimensions_from_ViewBag_are_set_in_order_before_trackPageView()
        {
            var view = Visit(_defaults, _defaults.Url("/Dimensions"));

            var expected = new[] { Cmd("setCustomDimension", 1, "premium"), Cmd("setCustomDimension", 3, "de-CH") }.Concat(Tail(_defaults, "1"));
            Assert.That(view.QueueJson, Is.EqualTo(Json(expected)));
            Assert.That(view.Hit["dimension1"], Is.EqualTo("premium"));
            Assert.That(view.Hit["dimension3"], Is.EqualTo("de-CH"));
            Assert.That(view.Hit.ContainsKey("dimension2"), Is.False);
        }

        // ---- 3. Page commands: an event, the 404 page ----

        [Test]
        public void Event_command_from_ViewBag_is_tracked_with_the_page_view()
        {
            var view = Visit(_defaults, _defaults.Url("/Events"), hits: 2);   // the event and the page view

            Assert.That(view.QueueJson, Is.EqualTo(Json(new[] { Cmd("trackEvent", "Video", "Play", "Intro", 1) }.Concat(Tail(_defaults, "1")))));
            var events = view.Hits.Where(h => h.ContainsKey("e_c")).ToList();
            Assert.That(events, Has.Count.EqualTo(1));
            Assert.That(new[] { events[0]["idsite"], events[0]["e_c"], events[0]["e_a"], events[0]["e_n"], events[0]["e_v"] },
                Is.EqualTo(new[] { "1", "Video", "Play", "Intro", "1" }));
            Assert.That(view.Hit["action_name"], Does.StartWith("Event"));
        }

        [Test]
        public void Broken_link_gets_the_404_page_which_sets_the_title_Matomo_recommends()
        {
            _browser.Open(_defaults.Url("/Events"));
            _browser.Driver.FindElement(By.LinkText("Page not found")).Click();   // the menu's link to /Nowhere/Missing
            WaitForPage(path => path == "/Nowhere/Missing", "the 404 page");
            var view = ViewOf(_defaults, _browser.Location);

            string title = "404/URL = %2FNowhere%2FMissing/From = http%3A%2F%2F127.0.0.1%3A" + _defaults.Port + "%2FEvents";
            Assert.That(view.QueueJson, Is.EqualTo(Json(new[] { Cmd("setDocumentTitle", title) }.Concat(Tail(_defaults, "1")))));
            Assert.That(view.Hit["action_name"], Is.EqualTo(title));
            Assert.That(_browser.Driver.FindElement(By.TagName("h1")).Text, Is.EqualTo("Page not found"));
            Assert.That(Http.Get(_defaults.Url("/Nowhere/Missing"), out _), Is.EqualTo(HttpStatusCode.NotFound));
        }

        [TestCase("/Home/NoSuchAction", "%2FHome%2FNoSuchAction")]
        [TestCase("/a/b/c/d?q=1", "%2Fa%2Fb%2Fc%2Fd%3Fq%3D1")]          // no route matches: the catch-all
        public void Unknown_address_answers_404_with_the_404_title(string path, string encoded)
        {
            Assert.That(Http.Get(_defaults.Url(path), out var body), Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(body, Does.Contain("_paq.push([\"setDocumentTitle\", \"404/URL = " + encoded + "/From = \"]);"));
        }

        // ---- 4. Consent ----

        [Test]
        public void Cookie_consent_banner_turns_the_tracker_cookies_on_and_is_remembered()
        {
            var first = Visit(_features, _features.Url("/"), hits: 2);

            Assert.That(first.QueueJson, Is.EqualTo(Json(FeaturesTail)));
            Assert.That(first.HitFor("1")["cookie"], Is.EqualTo("0"), "tracked, but without cookies");
            Assert.That(_browser.Cookies, Does.Not.Contain("_pk_id"));
            var banner = _browser.Driver.FindElement(By.Id("consent-banner"));
            Assert.That(banner.Displayed, Is.True);

            _browser.Driver.FindElement(By.Id("consent-accept")).Click();
            new Standin(_features).WaitFor("rememberCookieConsentGiven from the banner", TrackingTimeout,
                all => all.Any(r => r.Kind == "commands" && r.Phase == "push" && r.Page == first.Page
                                    && r.CommandsJson == Json(new[] { Cmd("rememberCookieConsentGiven") })));
            Assert.That(banner.Displayed, Is.False);
            Assert.That(_browser.Cookies, Does.Contain("mtm_cookie_consent="));

            var next = Visit(_features, _features.Url("/Legacy"), hits: 2);
            Assert.That(_browser.Driver.FindElements(By.Id("consent-banner")), Is.Empty, "the answer is remembered");
            Assert.That(next.HitFor("1")["cookie"], Is.EqualTo("1"));
            Assert.That(_browser.Cookies, Does.Contain("_pk_id.1."));
        }

        [Test]
        public void Tracking_consent_holds_the_page_view_until_the_banner_is_clicked()
        {
            _browser.Open(_consent.Url("/"));
            string page = _browser.Location;
            var standin = new Standin(_consent);
            // matomo.js reports the queue it ran only once the requests it sent have been answered: after its report,
            // anything the queue sent has been recorded.
            var received = standin.WaitFor("the command queue of " + page, TrackingTimeout,
                all => all.Any(r => r.Kind == "commands" && r.Page == page && r.Phase == "queue"));
            var queue = received.Single(r => r.Kind == "commands" && r.Phase == "queue");
            Assert.That(queue.CommandsJson, Is.EqualTo(Json(new[] { Cmd("requireConsent") }.Concat(Tail(_consent, "3")))));
            Assert.That(new[] { queue.Sent, queue.Held }, Is.EqualTo(new[] { 0, 1 }), "the page view is held back, not sent");
            Assert.That(received.Where(r => r.Kind == "hit"), Is.Empty, "nothing is sent before consent");

            _browser.Driver.FindElement(By.Id("consent-accept")).Click();
            var after = standin.WaitFor("the page view held back", TrackingTimeout, all => all.Any(r => r.Kind == "hit" && r.Page == page));
            Assert.That(after.Single(r => r.Kind == "hit").Parameters["idsite"], Is.EqualTo("3"), "the page view held back is sent once consent is given");
            Assert.That(_browser.Cookies, Does.Contain("mtm_consent="));

            var next = Visit(_consent, _consent.Url("/Legacy"));
            Assert.That(_browser.Driver.FindElements(By.Id("consent-banner")), Is.Empty);
            Assert.That(next.Hit["idsite"], Is.EqualTo("3"), "remembered: the next page is tracked at once");
        }

        // ---- 5. Do Not Track, Global Privacy Control ----

        [TestCase("DNT")]
        [TestCase("Sec-GPC")]
        public void Browser_asking_not_to_be_tracked_gets_the_commented_out_snippet_and_sends_nothing(string header)
        {
            _browser.SetExtraHeaders(new Dictionary<string, string> { [header] = "1" });
            _browser.Open(_options.Url("/"));

            Assert.That(_browser.Html, Does.Contain(MatomoRenderer.DoNotTrackComment));
            Assert.That(_browser.Html, Does.Contain("setDoNotTrack"), "the page was rendered with its snippet, as a comment");
            AssertNothingSent(_options);
            AssertNothingSent(_site);   // nor to the additional tracker's server
        }

        [Test]
        public void Browser_without_Do_Not_Track_is_tracked_with_setDoNotTrack_in_the_queue()
        {
            var view = Visit(_options, _options.Url("/"));

            Assert.That(_browser.Html, Does.Not.Contain(MatomoRenderer.DoNotTrackComment));
            Assert.That(view.QueueJson, Does.Contain(Json(new[] { Cmd("setDoNotTrack", true) }).Trim('[', ']')));
            Assert.That(view.Hit["idsite"], Is.EqualTo("7"));
        }

        // ---- 6. Tracker options; 7. additional trackers ----

        [Test]
        public void Tracker_options_choose_the_script_the_endpoint_and_the_commands()
        {
            var view = Visit(_options, _options.Url("/"));

            view.AssertLoadedTrackerFrom(_options, "piwik.js");
            Assert.That(view.Fetched.Where(u => u.Contains("matomo.js") || u.Contains("matomo.php")), Is.Empty);
            Assert.That(view.Received.Where(r => r.Kind == "script").Select(r => r.Path), Is.EqualTo(new[] { "/piwik.js" }));
            Assert.That(view.Received.Where(r => r.Kind == "hit").Select(r => r.Path), Is.EqualTo(new[] { "/piwik.php" }));
            Assert.That(view.QueueJson, Is.EqualTo(Json(new[]
            {
                Cmd("disableCookies"),
                Cmd("setDoNotTrack", true),
                Cmd("trackPageView"),                       // no enableLinkTracking
                Cmd("enableHeartBeatTimer", 15),
                Cmd("setTrackerUrl", "//" + _options.DomainPath + "/piwik.php"),
                Cmd("setSiteId", "7"),
                Cmd("addTracker", "//" + _site.DomainPath + "/piwik.php", "5"),
            })));
        }

        [Test]
        public void Additional_tracker_on_the_same_server_gets_the_same_page_view()
        {
            var view = Visit(_features, _features.Url("/Legacy"), hits: 2);

            Assert.That(view.PageViews.Select(h => h["idsite"]), Is.EquivalentTo(new[] { "1", "2" }));
            Assert.That(view.HitFor("2")["cvar"], Is.EqualTo(view.HitFor("1")["cvar"]), "the same page view");
        }

        [Test]
        public void Additional_tracker_on_another_server_gets_the_same_page_view()
        {
            var view = Visit(_options, _options.Url("/Identity/Override"));

            var other = new Standin(_site).WaitFor("the page view for site 5", TrackingTimeout,
                all => all.Any(r => r.Kind == "hit" && r.Page == view.Page));
            var hits = other.Where(r => r.Kind == "hit" && r.Page == view.Page).ToList();
            Assert.That(hits.Select(h => h.Parameters["idsite"]), Is.EqualTo(new[] { "5" }));
            Assert.That(hits[0].Path, Is.EqualTo("/piwik.php"));
            Assert.That(hits[0].Parameters["uid"], Is.EqualTo("sample-visitor@example.org"));
            Assert.That(view.Hit["idsite"], Is.EqualTo("7"));
        }

        // ---- 8. Tag Manager ----

        [Test]
        public void Container_loads_next_to_the_classic_tracker_and_sees_mtm_Start()
        {
            var view = Visit(_features, _features.Url("/"), hits: 2);
            var received = WaitForContainer(_features, view.Page);

            view.AssertLoadedTrackerFrom(_features);
            Assert.That(_browser.FetchedResources(), Has.Member(ContainerUrl(_features, SampleContainerId)));
            Assert.That(received.Where(r => r.Kind == "script").Select(r => r.Path),
                Is.EquivalentTo(new[] { "/matomo.js", "/js/container_" + SampleContainerId + ".js" }));
            Assert.That(ContainerEvents(received, view.Page), Is.EqualTo(new[] { "mtm.Start" }));
        }

        [Test]
        public void Container_without_a_site_id_loads_alone()
        {
            _browser.Open(_container.Url("/Legacy"));
            string page = _browser.Location;
            var received = WaitForContainer(_container, page);

            Assert.That(ContainerEvents(received, page), Is.EqualTo(new[] { "mtm.Start" }));
            var start = received.First(r => r.Kind == "commands" && r.Phase == "mtm").Commands[0];
            Assert.That(start.GetProperty("mtm.startTime").ValueKind, Is.EqualTo(JsonValueKind.Number));
            Assert.That(_browser.FetchedResources().Where(u => u.StartsWith(_container.StandinUrl) && u.EndsWith(".js")),
                Is.EqualTo(new[] { ContainerUrl(_container, ContainerId) }), "only the container: no matomo.js");
            Assert.That(_browser.Html, Does.Not.Contain("_paq.push([\"trackPageView\"]);"), "no classic tracker");
            Assert.That(received.Where(r => r.Kind == "hit"), Is.Empty);
        }
    }
}

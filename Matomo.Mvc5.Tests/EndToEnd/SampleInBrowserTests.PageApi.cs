using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Matomo.Mvc5.Rendering;
using NUnit.Framework;
using OpenQA.Selenium;

namespace Matomo.Mvc5.Tests.EndToEnd
{
    /// <summary>
    /// The typed page API through the Sample's pages in Chromium: the shop (category, product, cart update,
    /// order), site search, a goal on sign-up, the opt-out on the privacy page (also with consent required), and staff
    /// excluded by role and by attribute. On the Quick start host (<c>_defaults</c>: site 1, Web.config's settings,
    /// which exclude the Administrators role) and the consent host (<c>_consent</c>: site 3, RequireConsent=tracking).
    /// </summary>
    public partial class SampleInBrowserTests
    {
        /// <summary>The commands every page of the Quick start host ends with, after what the page pushed after its page view.</summary>
        private static object[][] Loader(SampleHost host, string siteId) => Tail(host, siteId).Skip(1).ToArray();

        // ---- the shop ----

        [Test]
        public void Category_page_is_an_ecommerce_category_view()
        {
            var view = Visit(_defaults, _defaults.Url("/Shop/Category/gardening"));

            Assert.That(view.QueueJson, Is.EqualTo(Json(new[] { Cmd("setEcommerceView", false, false, "Gardening") }.Concat(Tail(_defaults, "1")))));
            Assert.That(view.Hit["_pkc"], Is.EqualTo("Gardening"), "the page view carries the category");
            Assert.That(view.Hit.ContainsKey("_pks"), Is.False, "no product on a category page");
        }

        [Test]
        public void Product_page_is_an_ecommerce_product_view()
        {
            var view = Visit(_defaults, _defaults.Url("/Shop/Product/SKU-42"));

            Assert.That(view.QueueJson, Is.EqualTo(Json(new[]
            {
                Cmd("setEcommerceView", "SKU-42", "Holy Hand Grenade of Antioch", "Weapons", 19.99),
            }.Concat(Tail(_defaults, "1")))));
            Assert.That(view.Hit["_pks"], Is.EqualTo("SKU-42"));
            Assert.That(view.Hit["_pkn"], Is.EqualTo("Holy Hand Grenade of Antioch"));
            Assert.That(view.Hit["_pkc"], Is.EqualTo("Weapons"));
            Assert.That(view.Hit["_pkp"], Is.EqualTo("19.99"));
        }

        [Test]
        public void Adding_to_the_cart_tracks_the_cart_update_after_the_page_view_and_checking_out_tracks_the_order()
        {
            _browser.Open(_defaults.Url("/Shop/Product/SKU-42"));
            IWebElement quantity = _browser.Driver.FindElement(By.Id("quantity"));
            quantity.Clear();
            quantity.SendKeys("2");
            _browser.Driver.FindElement(By.CssSelector("#add-to-cart button")).Click();
            WaitForPage(path => path == "/Shop/Cart", "the cart after adding");
            var cart = ViewOf(_defaults, _browser.Location, hits: 2);

            Assert.That(cart.QueueJson, Is.EqualTo(Json(new[]
            {
                Cmd("trackPageView"),
                Cmd("addEcommerceItem", "SKU-42", "Holy Hand Grenade of Antioch", "Weapons", 19.99, 2),
                Cmd("trackEcommerceCartUpdate", 39.98),
            }.Concat(Loader(_defaults, "1")))));
            var update = cart.Hits.Single(h => h.ContainsKey("idgoal"));
            Assert.That(update["idgoal"], Is.EqualTo("0"), "Matomo's ecommerce goal");
            Assert.That(update["revenue"], Is.EqualTo("39.98"));
            Assert.That(update["ec_items"], Is.EqualTo("[[\"SKU-42\",\"Holy Hand Grenade of Antioch\",\"Weapons\",19.99,2]]"));
            Assert.That(update.ContainsKey("ec_id"), Is.False, "a cart update is not an order");

            _browser.Driver.FindElement(By.Id("checkout")).Click();
            WaitForPage(path => path == "/Shop/Checkout", "the checkout page");
            _browser.Driver.FindElement(By.CssSelector("#place-order button")).Click();
            WaitForPage(path => path.StartsWith("/Shop/Order/ORDER-"), "the order confirmation");
            string orderId = Text("order-id");
            var order = ViewOf(_defaults, _browser.Location, hits: 2);

            Assert.That(order.QueueJson, Is.EqualTo(Json(new[]
            {
                Cmd("trackPageView"),
                Cmd("addEcommerceItem", "SKU-42", "Holy Hand Grenade of Antioch", "Weapons", 19.99, 2),
                Cmd("trackEcommerceOrder", orderId, 44.98, 39.98, 0, 5),
            }.Concat(Loader(_defaults, "1")))));
            var placed = order.Hits.Single(h => h.ContainsKey("idgoal"));
            Assert.That(placed["ec_id"], Is.EqualTo(orderId));
            Assert.That(placed["revenue"], Is.EqualTo("44.98"));
            Assert.That(placed["ec_st"], Is.EqualTo("39.98"));
            Assert.That(placed["ec_tx"], Is.EqualTo("0"));
            Assert.That(placed["ec_sh"], Is.EqualTo("5"));
            Assert.That(placed["ec_items"], Is.EqualTo("[[\"SKU-42\",\"Holy Hand Grenade of Antioch\",\"Weapons\",19.99,2]]"));

            _browser.Open(_defaults.StandinUrl);
            string viewer = _browser.Driver.FindElement(By.TagName("body")).Text;
            Assert.That(viewer, Does.Contain("ecommerce order " + orderId + ": 44.98 (sub-total 39.98, tax 0, shipping 5); items: SKU-42 Holy Hand Grenade of Antioch × 2 at 19.99"),
                "the stand-in's page shows the order readably");
            Assert.That(viewer, Does.Contain("ecommerce cart update: 39.98; items: SKU-42"));
        }

        // ---- site search and goals ----

        [Test]
        public void Search_results_page_is_a_site_search_instead_of_a_page_view()
        {
            _browser.Open(_defaults.Url("/Search"));
            ViewOf(_defaults, _browser.Location);   // the empty search page: an ordinary page view
            new Standin(_defaults).Clear();
            _browser.Driver.FindElement(By.Id("q")).SendKeys("herring");
            _browser.Driver.FindElement(By.CssSelector("#category option[value='Gardening']")).Click();
            _browser.Driver.FindElement(By.CssSelector("#search button")).Click();
            WaitForPage(path => path == "/Search" && _browser.Location.Contains("q=herring"), "the results page");
            var view = ViewOf(_defaults, _browser.Location);

            Assert.That(Text("result-count"), Does.StartWith("1 result"));
            Assert.That(view.QueueJson, Is.EqualTo(Json(new[] { Cmd("trackSiteSearch", "herring", "Gardening", 1) }.Concat(Loader(_defaults, "1")))),
                "no trackPageView: the site search replaces it");
            Assert.That(view.Hits, Has.Count.EqualTo(1));
            Assert.That(view.Hit["search"], Is.EqualTo("herring"));
            Assert.That(view.Hit["search_cat"], Is.EqualTo("Gardening"));
            Assert.That(view.Hit["search_count"], Is.EqualTo("1"));

            var none = Visit(_defaults, _defaults.Url("/Search?q=grail"));
            Assert.That(none.QueueJson, Does.StartWith("[[\"trackSiteSearch\",\"grail\",false,0],"), "a search without results counts 0");
            Assert.That(none.Hit["search_count"], Is.EqualTo("0"));
            Assert.That(none.Hit.ContainsKey("search_cat"), Is.False);
        }

        [Test]
        public void Signing_up_converts_the_goal_after_the_page_view()
        {
            _browser.Open(_defaults.Url("/SignUp"));
            _browser.Driver.FindElement(By.Id("email")).SendKeys("brave.sir.robin@example.org");
            _browser.Driver.FindElement(By.CssSelector("#sign-up button")).Click();
            WaitForPage(path => path == "/SignUp/Welcome", "the welcome page");
            var view = ViewOf(_defaults, _browser.Location, hits: 3);

            Assert.That(view.QueueJson, Is.EqualTo(Json(new[]
            {
                Cmd("trackPageView"),
                Cmd("trackGoal", 1),
                Cmd("trackEvent", "Newsletter", "Sign-up"),
            }.Concat(Loader(_defaults, "1")))));
            Assert.That(view.Hits.Single(h => h.ContainsKey("idgoal"))["idgoal"], Is.EqualTo("1"));
            Assert.That(view.Hits.Single(h => h.ContainsKey("e_c"))["e_a"], Is.EqualTo("Sign-up"));
            Assert.That(new Standin(_defaults).All().Select(r => r.Target ?? ""), Has.None.Contains("robin"), "the address never goes to Matomo");
        }

        // ---- the opt-out ----

        private IWebElement OptOutBox => _browser.Driver.FindElement(By.Id("matomo-opt-out-1-checkbox"));

        /// <summary>The state whose status text is visible ("tracked", "opted-out", "unavailable"), or "" while none is.</summary>
        private string OptOutState() => (string)_browser.Driver.ExecuteScript(@"
            var shown = Array.prototype.filter.call(document.querySelectorAll('#matomo-opt-out-1-status span'),
              function (s) { return getComputedStyle(s).visibility === 'visible' && getComputedStyle(s).display !== 'none'; });
            return shown.map(function (s) { return s.getAttribute('data-matomo-state'); }).join();");

        private void WaitForOptOut(string state) => WaitFor(() => OptOutState() == state, "the opt-out saying " + state);

        [Test]
        public void Clicking_the_opt_out_stops_the_next_pages_hit_and_clicking_again_restores_it()
        {
            var privacy = Visit(_defaults, _defaults.Url("/Privacy"));
            privacy.AssertLoadedTrackerFrom(_defaults);
            WaitForOptOut("tracked");
            Assert.That(OptOutBox.Selected, Is.True);
            Assert.That(OptOutBox.Enabled, Is.True);
            Assert.That(_browser.Driver.FindElement(By.CssSelector("script[nonce]:not([src])")), Is.Not.Null);
            Assert.That(Regex.Matches(_browser.Html, "nonce=\"").Count, Is.GreaterThanOrEqualTo(2),
                "the opt-out's script runs under the page's strict CSP with the nonce, like the snippet");

            _browser.Driver.FindElement(By.CssSelector("label[for='matomo-opt-out-1-checkbox']")).Click();   // the label works too
            WaitForOptOut("opted-out");
            Assert.That(OptOutBox.Selected, Is.False);
            Assert.That(_browser.Cookies, Does.Contain("mtm_consent_removed"), "the tracker's own opt-out cookie");

            new Standin(_defaults).Clear();
            _browser.Open(_defaults.Url("/"));
            AssertNoHit(_defaults);

            _browser.Open(_defaults.Url("/Privacy"));
            WaitForOptOut("opted-out");
            OptOutBox.SendKeys(Keys.Space);   // by keyboard
            WaitForOptOut("tracked");
            Assert.That(_browser.Cookies, Does.Not.Contain("mtm_consent_removed"));

            new Standin(_defaults).Clear();
            var home = Visit(_defaults, _defaults.Url("/"));
            Assert.That(home.Hit["idsite"], Is.EqualTo("1"), "tracked again");
        }

        [Test]
        public void With_consent_required_the_opt_out_gives_and_takes_back_a_lasting_consent()
        {
            _browser.Open(_consent.Url("/Privacy"));
            WaitForOptOut("opted-out");   // no consent yet: not tracked
            Assert.That(OptOutBox.Selected, Is.False);

            OptOutBox.Click();
            WaitForOptOut("tracked");
            Assert.That(_browser.Cookies, Does.Contain("mtm_consent="), "rememberConsentGiven: the consent lasts");
            new Standin(_consent).Clear();
            var home = Visit(_consent, _consent.Url("/"));
            Assert.That(home.Hit["idsite"], Is.EqualTo("3"), "the next page is tracked");

            _browser.Open(_consent.Url("/Privacy"));
            WaitForOptOut("tracked");
            OptOutBox.Click();
            WaitForOptOut("opted-out");
            new Standin(_consent).Clear();
            _browser.Open(_consent.Url("/"));
            AssertNoHit(_consent);
        }

        [Test]
        public void The_opt_out_does_not_shift_the_layout()
        {
            _browser.Open(_defaults.Url("/Privacy"));
            WaitForOptOut("tracked");
            var shifts = (IReadOnlyCollection<object>)((IJavaScriptExecutor)_browser.Driver).ExecuteAsyncScript(@"
                var done = arguments[arguments.length - 1], shifts = [];
                new PerformanceObserver(function (list) {
                  list.getEntries().forEach(function (e) { shifts.push(e.value); });
                }).observe({ type: 'layout-shift', buffered: true });
                setTimeout(function () { done(shifts); }, 500);");
            Assert.That(shifts, Is.Empty, "layout shifts while the page loaded and the opt-out got its state");
        }

        [Test]
        public void When_the_tracker_is_not_loaded_the_opt_out_says_so()
        {
            SignInAsStaff();
            _browser.Open(_defaults.Url("/Privacy"));
            WaitForOptOut("unavailable");
            Assert.That(OptOutBox.Enabled, Is.False);
            Assert.That(_browser.Driver.FindElement(By.Id("matomo-opt-out-1-status")).Text, Does.Contain("did not load"));
        }

        // ---- staff ----

        /// <summary>Signs in with the Back office's staff button (the Administrators role).</summary>
        private void SignInAsStaff()
        {
            _browser.Open(_defaults.Url("/Admin/SignIn"));
            _browser.Driver.FindElement(By.CssSelector("#staff-sign-in button")).Click();
            WaitForPage(path => path == "/Admin" || path == "/Admin/Index", "the back office");
        }

        /// <summary>The HTML comment that stands for the snippet on the current page.</summary>
        private string ExclusionComment()
        {
            Match m = Regex.Match(_browser.Html, Regex.Escape(MatomoRenderer.ExcludedComment) + ".*?-->", RegexOptions.Singleline);
            Assert.That(m.Success, Is.True, "the excluded snippet's comment");
            return m.Value;
        }

        [Test]
        public void Staff_excluded_by_role_send_nothing_on_any_page()
        {
            SignInAsStaff();
            Assert.That(Text("admin-welcome"), Does.Contain("Tim the Enchanter"));
            new Standin(_defaults).Clear();   // the sign-in page itself was an anonymous visitor's, tracked
            foreach (string path in new[] { "/Admin", "/", "/Shop/Product/SKU-42", "/Search?q=shrubbery" })
            {
                _browser.Open(_defaults.Url(path));
                string comment = ExclusionComment();
                Assert.That(comment, Does.StartWith(MatomoRenderer.ExcludedComment + " (the signed-in user is in a role listed in matomo:ExcludedRoles)"), path);
                Assert.That(comment, Does.Not.Contain("Enchanter").And.Not.Contain("setUserId"), "never the user's name: " + path);
                AssertNothingSent(_defaults);
            }
        }

        [Test]
        public void An_action_with_MatomoExclude_sends_nothing()
        {
            _browser.Open(_defaults.Url("/Admin/Status"));
            Assert.That(ExclusionComment(), Does.StartWith(MatomoRenderer.ExcludedComment + " (health-check page)"));
            Assert.That(Text("delivery-status"), Does.Contain("accepted").And.Contain("delivered").And.Contain("skipped by the site's rules"),
                "the back office's status page shows the outbox's status");
            AssertNothingSent(_defaults);
        }

        [Test]
        public void Staff_can_ask_from_the_status_page_for_the_rejected_hits_to_be_sent_again_and_nobody_else_sees_the_button()
        {
            _browser.Open(_defaults.Url("/Admin/Status"));
            Assert.That(Text("delivery-status"), Does.Contain("rejected hits kept to send again"));
            Assert.That(_browser.Driver.FindElements(By.Id("replay-rejected")), Is.Empty, "an anonymous visitor has no button");
            _browser.Open(_defaults.Url("/Admin/Status?replay=asked"));
            Assert.That(_browser.Driver.FindElements(By.Id("replay-result")), Is.Empty, "nor a result for a made-up query string");

            SignInAsStaff();
            _browser.Open(_defaults.Url("/Admin/Status"));
            _browser.Driver.FindElement(By.Id("replay-rejected")).Click();
            WaitForPage(path => path == "/Admin/Status" && _browser.Driver.FindElements(By.Id("replay-result")).Count > 0, "the status page after the replay");
            Assert.That(Text("replay-result"), Does.StartWith("Asked: every worker process sends its kept rejected hits again"));
        }

        /// <summary>
        /// The current page sent no tracking request to <paramref name="host"/>'s stand-in although its tracker ran:
        /// the stand-in's report of the page's queue, which comes after every request those commands sent, says its
        /// page view was held back (opted out, or no consent), and no hit of the page came before it.
        /// </summary>
        private void AssertNoHit(SampleHost host)
        {
            string page = _browser.Location;
            var all = new Standin(host).WaitFor("the report of " + page + "'s queue", TrackingTimeout,
                received => received.Any(r => r.Kind == "commands" && r.Page == page && r.Phase == "queue"));
            var queue = all.First(r => r.Kind == "commands" && r.Page == page && r.Phase == "queue");
            Assert.That(all.Where(r => r.Kind == "hit" && r.Id < queue.Id), Is.Empty, "no tracking request: " + string.Join("\n", all));
            Assert.That(queue.Sent, Is.EqualTo(0));
            Assert.That(queue.Held, Is.GreaterThan(0), "the page view was held back by the tracker, not missing");
        }
    }
}

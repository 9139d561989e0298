using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Rendering;
using Matomo.Mvc5.Tests.Support;
using NUnit.Framework;
using static Matomo.Mvc5.Configuration.MatomoSettings;

namespace Matomo.Mvc5.Tests.Rendering
{
    /// <summary>
    /// The typed page API as the browser sees it: every method's command, run by Jint from the parsed HTML;
    /// the order on the page; validation at call time; culture-invariant numbers; exclusion.
    /// </summary>
    public class MatomoPageTests
    {
        private static readonly object[] PageView = { "trackPageView" };

        private static Snippet Render(MatomoPage page, MatomoSettings settings = null) =>
            Snippet.Parse(MatomoRenderer.Render(settings ?? TestSettings.Basic(), page));

        /// <summary>What the page pushes around the site's constant commands of <see cref="TestSettings.Basic"/>.</summary>
        private static (List<object[]> Before, List<object[]> After) Split(Snippet s)
        {
            var commands = s.Commands.ToList();
            int view = commands.FindIndex(c => (string)c[0] == "trackPageView" || (string)c[0] == "trackSiteSearch");
            Assert.That(view, Is.GreaterThanOrEqualTo(0), "a page view in " + s.Describe());
            int link = commands.FindIndex(c => (string)c[0] == "enableLinkTracking");
            Assert.That(commands.Skip(link), Is.EqualTo(new[]
            {
                new object[] { "enableLinkTracking" },
                new object[] { "setTrackerUrl", "//matomo.example.com/matomo.php" },
                new object[] { "setSiteId", "4" },
            }), "the site's own commands close the queue");
            return (commands.Take(view).ToList(), commands.Skip(view + 1).Take(link - view - 1).ToList());
        }

        private static object[] C(params object[] command) => command;

        // ---- one method at a time ----

        [Test]
        public void SetUserId_pushes_setUserId_before_the_page_view()
        {
            var page = new MatomoPage();
            page.SetUserId("lancelot@camelot.example");
            var (before, after) = Split(Render(page));
            Assert.That(before, Is.EqualTo(new[] { C("setUserId", "lancelot@camelot.example") }));
            Assert.That(after, Is.Empty);
            Assert.That(page.UserId, Is.EqualTo("lancelot@camelot.example"));
        }

        [Test]
        public void ResetUserId_pushes_resetUserId_and_starts_a_new_visit_with_this_page_view_only()
        {
            var page = new MatomoPage();
            page.SetUserId("lancelot");
            page.ResetUserId();
            Snippet s = Render(page);
            Assert.That(s.Commands.Take(4), Is.EqualTo(new[]
            {
                C("resetUserId"),
                C("appendToTrackingUrl", "new_visit=1"),
                C("trackPageView"),
                C("appendToTrackingUrl", ""),
            }), "Matomo's advice: the new visit starts with the page view, and later requests of the page are not new visits");
            Assert.That(s.CommandNames, Does.Not.Contain("setUserId"));
            Assert.That(page.UserId, Is.Null);

            page.SetUserId("galahad");
            Assert.That(Render(page).CommandNames, Does.Not.Contain("resetUserId").And.Not.Contain("appendToTrackingUrl"), "the last word wins");
        }

        [Test]
        public void SetCustomDimension_and_SetCustomVariable()
        {
            var page = new MatomoPage();
            page.SetCustomDimension(3, "Knights");
            page.SetCustomVariable(1, "quest", "Grail");
            page.SetCustomVariable(2, "colour", "Blue", CustomVariableScope.Visit);
            page.SetCustomDimension(4, "");
            Assert.That(Split(Render(page)).Before, Is.EqualTo(new[]
            {
                C("setCustomDimension", 3, "Knights"),
                C("setCustomVariable", 1, "quest", "Grail", "page"),
                C("setCustomVariable", 2, "colour", "Blue", "visit"),
                C("setCustomDimension", 4, ""),
            }), "typed state commands keep their call order");
        }

        [Test]
        public void SetDocumentTitle_and_SetCustomUrl()
        {
            var page = new MatomoPage();
            page.SetDocumentTitle("Checkout / Done");
            page.SetCustomUrl("/shop/checkout/done?step=3");
            page.SetCustomUrl("HTTPS://shop.example.com/x");
            Assert.That(Split(Render(page)).Before, Is.EqualTo(new[]
            {
                C("setDocumentTitle", "Checkout / Done"),
                C("setCustomUrl", "/shop/checkout/done?step=3"),
                C("setCustomUrl", "HTTPS://shop.example.com/x"),
            }));
        }

        [TestCase("javascript:alert(1)")]
        [TestCase("data:text/html,x")]
        [TestCase("/a\nb")]
        [TestCase(" ")]
        public void SetCustomUrl_refuses_other_schemes_and_control_characters(string url)
        {
            var e = Assert.Throws(Is.InstanceOf<ArgumentException>(), () => new MatomoPage().SetCustomUrl(url));
            Assert.That(((ArgumentException)e).ParamName, Is.EqualTo("url"));
            Assert.That(e.Message, Does.StartWith("MatomoPage.SetCustomUrl: url "));
        }

        [Test]
        public void TrackSiteSearch_replaces_trackPageView()
        {
            var page = new MatomoPage();
            page.TrackSiteSearch("holy grail", "Relics", 42);
            Snippet s = Render(page);
            Assert.That(s.CommandNames, Does.Not.Contain("trackPageView"));
            Assert.That(s.Single("trackSiteSearch"), Is.EqualTo(new object[] { "holy grail", "Relics", 42 }));
            Assert.That(s.CommandNames.IndexOf("trackSiteSearch"), Is.EqualTo(s.CommandNames.IndexOf("enableLinkTracking") - 1), "where trackPageView stood");
        }

        [Test]
        public void TrackSiteSearch_leaves_out_what_is_unknown_the_way_the_tracker_reads_it()
        {
            // matomo.js sends search_cat only for a truthy category and search_count whenever the count is not
            // undefined (null would be sent as "null"): a missing category before a count is false, a missing count is left out.
            var cases = new (Action<MatomoPage> Call, object[] Arguments)[]
            {
                (p => p.TrackSiteSearch("grail"), new object[] { "grail" }),
                (p => p.TrackSiteSearch("grail", "Relics"), new object[] { "grail", "Relics" }),
                (p => p.TrackSiteSearch("grail", resultsCount: 0), new object[] { "grail", false, 0 }),
                (p => p.TrackSiteSearch("grail", null, 7), new object[] { "grail", false, 7 }),
            };
            foreach (var (call, arguments) in cases)
            {
                var page = new MatomoPage();
                call(page);
                Snippet s = Render(page);
                Assert.That(s.Single("trackSiteSearch"), Is.EqualTo(arguments), s.Describe());
                Assert.That(s.Evaluate("_paq.filter(function (c) { return c[0] === 'trackSiteSearch'; })[0].length"), Is.EqualTo(arguments.Length + 1));
            }
        }

        [Test]
        public void TrackSiteSearch_called_again_replaces_the_first()
        {
            var page = new MatomoPage();
            page.TrackSiteSearch("first");
            page.TrackSiteSearch("second", "Books", 3);
            Assert.That(Render(page).Single("trackSiteSearch"), Is.EqualTo(new object[] { "second", "Books", 3 }));
        }

        [Test]
        public void SetEcommerceView_for_a_product_and_for_a_category_page()
        {
            var product = new MatomoPage();
            product.SetEcommerceView("SKU-42", "Holy Hand Grenade", "Weapons", 12.50m);
            Assert.That(Split(Render(product)).Before, Is.EqualTo(new[] { C("setEcommerceView", "SKU-42", "Holy Hand Grenade", "Weapons", 12.5) }));

            var category = new MatomoPage();
            category.SetEcommerceView(null, null, "Weapons", null);
            Assert.That(Split(Render(category)).Before, Is.EqualTo(new[] { C("setEcommerceView", false, false, "Weapons") }),
                "Matomo's category page: false for the product");

            var noCategory = new MatomoPage();
            noCategory.SetEcommerceView("SKU-1", "Shrubbery", null, 0m);
            Assert.That(Split(Render(noCategory)).Before, Is.EqualTo(new[] { C("setEcommerceView", "SKU-1", "Shrubbery", false, 0) }));
        }

        [Test]
        public void Up_to_five_categories_are_a_JavaScript_array()
        {
            var page = new MatomoPage();
            page.SetEcommerceView("SKU-42", "Holy Hand Grenade", new[] { "Weapons", "Holy", "Antioch", "Explosive", "Relics" }, 9.99m);
            page.AddEcommerceItem("SKU-42", "Holy Hand Grenade", new List<string> { "Weapons", "Holy" }, 9.99m, 1);
            Snippet s = Render(page);
            Assert.That(s.Evaluate("Array.isArray(_paq[0][3]) && _paq[0][3].join('|')"), Is.EqualTo("Weapons|Holy|Antioch|Explosive|Relics"));
            Assert.That(s.Evaluate("JSON.stringify(_paq.filter(function (c) { return c[0] === 'addEcommerceItem'; })[0])"),
                Is.EqualTo("[\"addEcommerceItem\",\"SKU-42\",\"Holy Hand Grenade\",[\"Weapons\",\"Holy\"],9.99,1]"));

            var e = Assert.Throws<ArgumentOutOfRangeException>(() => page.SetEcommerceView(null, null, new[] { "1", "2", "3", "4", "5", "6" }, null));
            Assert.That(e.ParamName, Is.EqualTo("categories"));
            Assert.That(e.Message, Does.StartWith("MatomoPage.SetEcommerceView: categories must hold 1 to 5"));
            Assert.Throws<ArgumentOutOfRangeException>(() => page.AddEcommerceItem("x", null, new string[0], 1m, 1));
            Assert.Throws<ArgumentException>(() => page.AddEcommerceItem("x", null, new[] { "a", " " }, 1m, 1));
        }

        [Test]
        public void Ecommerce_items_cart_and_order_follow_the_page_view_in_call_order()
        {
            var page = new MatomoPage();
            page.AddEcommerceItem("SKU-1", "Shrubbery", "Gardening", 19.99m, 2);
            page.AddEcommerceItem("SKU-2", null, null, 5m, 1);
            page.TrackEcommerceCartUpdate(44.98m);
            page.TrackEcommerceOrder("ORDER-1", 52.48m, 44.98m, 7.5m);
            page.TrackEcommerceOrder("ORDER-2", 10m);
            page.TrackEcommerceOrder("ORDER-3", 10m, null, null, null, 2.5m);
            var (before, after) = Split(Render(page));
            Assert.That(before, Is.Empty);
            Assert.That(after, Is.EqualTo(new[]
            {
                C("addEcommerceItem", "SKU-1", "Shrubbery", "Gardening", 19.99, 2),
                C("addEcommerceItem", "SKU-2", false, false, 5, 1),
                C("trackEcommerceCartUpdate", 44.98),
                C("trackEcommerceOrder", "ORDER-1", 52.48, 44.98, 7.5),
                C("trackEcommerceOrder", "ORDER-2", 10),
                C("trackEcommerceOrder", "ORDER-3", 10, false, false, false, 2.5),
            }));
        }

        [Test]
        public void TrackGoal_and_TrackEvent()
        {
            var page = new MatomoPage();
            page.TrackGoal(3);
            page.TrackGoal(4, 12.5m);
            page.TrackEvent("Videos", "Play", "Intro", 1.5);
            page.TrackEvent("Videos", "Pause");
            page.TrackEvent("Videos", "Seek", "Intro");
            page.TrackEvent("Rating", "Stars", null, 4);
            Snippet s = Render(page);
            Assert.That(Split(s).After, Is.EqualTo(new[]
            {
                C("trackGoal", 3),
                C("trackGoal", 4, 12.5),
                C("trackEvent", "Videos", "Play", "Intro", 1.5),
                C("trackEvent", "Videos", "Pause"),
                C("trackEvent", "Videos", "Seek", "Intro"),
                C("trackEvent", "Rating", "Stars", null, 4),
            }));
            // matomo.js sends e_n for any name that is not undefined (null as "null"): a value without a name needs undefined.
            Assert.That(s.Evaluate("typeof _paq.filter(function (c) { return c[1] === 'Rating'; })[0][3]"), Is.EqualTo("undefined"));
            Assert.That(s.Evaluate("_paq.filter(function (c) { return c[1] === 'Videos'; }).map(function (c) { return c.length; }).join()"), Is.EqualTo("5,3,4"));
        }

        [Test]
        public void Event_values_reach_the_script_exactly()
        {
            foreach (double value in new[] { 0.1, -2.5, 1e21, 5e-324, double.MaxValue, 1234567.890123 })
            {
                var page = new MatomoPage();
                page.TrackEvent("c", "a", "n", value);
                Assert.That(Render(page).Single("trackEvent")[3], Is.EqualTo(value));
            }
        }

        // ---- the order on the page ----

        [Test]
        public void The_order_on_the_page_state_then_the_page_view_then_tracking_in_call_order()
        {
            MatomoSettings settings = TestSettings.Basic(
                (Keys.DisableCookies, "true"), (Keys.CookieDomain, "*.example.com"), (Keys.Domains, "*.example.com, example.org"),
                (Keys.EnableJSErrorTracking, "true"), (Keys.HeartBeatSeconds, "15"));
            var page = new MatomoPage();
            // Called in an order that is not the page's: tracking before state.
            page.TrackEvent("Shop", "Viewed");
            page.SetEcommerceView("SKU-1", "Shrubbery", "Gardening", 19.99m);
            page.TrackGoal(1);
            page.SetUserId("arthur");
            page.SetDocumentTitle("Shrubbery");
            page.TrackSiteSearch("shrubbery", null, 1);
            page.SetCustomDimension(1, "Knights");
            page.Commands.Add(new MatomoCommand("setCampaignNameKey", "quest"));
            page.CustomVariables.Add(new CustomVariable(1, "list", "form"));
            page.AddEcommerceItem("SKU-1", "Shrubbery", "Gardening", 19.99m, 1);
            Snippet s = Render(page, settings);
            Assert.That(s.Commands, Is.EqualTo(new[]
            {
                // 1. state: variables, user id, dimensions of the list form; the typed state commands in call order; matomo_commands
                C("setCustomVariable", 1, "list", "form", "page"),
                C("setUserId", "arthur"),
                C("setEcommerceView", "SKU-1", "Shrubbery", "Gardening", 19.99),
                C("setDocumentTitle", "Shrubbery"),
                C("setCustomDimension", 1, "Knights"),
                C("setCampaignNameKey", "quest"),
                // the site's settings, where Matomo's docs put them
                C("disableCookies"),
                C("setCookieDomain", "*.example.com"),
                C("setDomains", new object[] { "*.example.com", "example.org" }),
                C("enableJSErrorTracking"),
                // 2. the page view: the site search in place of trackPageView
                C("trackSiteSearch", "shrubbery", false, 1),
                // 3. tracking commands in call order
                C("trackEvent", "Shop", "Viewed"),
                C("trackGoal", 1),
                C("addEcommerceItem", "SKU-1", "Shrubbery", "Gardening", 19.99, 1),
                // the site's commands after the page view, and the loader
                C("enableLinkTracking"),
                C("enableHeartBeatTimer", 15),
                C("setTrackerUrl", "//matomo.example.com/matomo.php"),
                C("setSiteId", "4"),
            }), s.Describe());
        }

        [Test]
        public void With_only_a_Tag_Manager_container_the_page_commands_are_pushed_for_it_without_a_page_view()
        {
            MatomoSettings settings = TestSettings.Create((Keys.DomainPath, "matomo.example.com"), (Keys.ContainerId, "aBcD1234"));
            var page = new MatomoPage();
            page.SetUserId("arthur");
            page.TrackSiteSearch("grail");
            page.TrackGoal(2);
            Snippet s = Render(page, settings);
            Assert.That(s.Commands, Is.EqualTo(new[] { C("setUserId", "arthur"), C("trackSiteSearch", "grail"), C("trackGoal", 2) }));
            Assert.That(s.TagManagerEvents, Is.EqualTo(new[] { "mtm.Start" }));
        }

        [Test]
        public void Rendering_changes_nothing_so_a_page_renders_the_same_twice()
        {
            var page = new MatomoPage();
            page.SetUserId("arthur");
            page.TrackEvent("a", "b");
            page.ResetUserId();
            page.Exclude("load test");
            string first = MatomoRenderer.Render(TestSettings.Basic(), page);
            Assert.That(MatomoRenderer.Render(TestSettings.Basic(), page), Is.EqualTo(first));
        }

        // ---- validation at call time ----

        private static IEnumerable<TestCaseData> Invalid()
        {
            TestCaseData Case(Action<MatomoPage> call, string method, string argument) =>
                new TestCaseData(call, method, argument).SetArgDisplayNames(method, argument, (++_case).ToString(CultureInfo.InvariantCulture));
            yield return Case(p => p.SetUserId(null), "SetUserId", "userId");
            yield return Case(p => p.SetUserId(""), "SetUserId", "userId");
            yield return Case(p => p.SetCustomDimension(0, "x"), "SetCustomDimension", "id");
            yield return Case(p => p.SetCustomDimension(1, null), "SetCustomDimension", "value");
            yield return Case(p => p.SetCustomVariable(0, "a", "b"), "SetCustomVariable", "index");
            yield return Case(p => p.SetCustomVariable(1, null, "b"), "SetCustomVariable", "name");
            yield return Case(p => p.SetCustomVariable(1, "a", null), "SetCustomVariable", "value");
            yield return Case(p => p.SetCustomVariable(1, "a", "b", (CustomVariableScope)7), "SetCustomVariable", "scope");
            yield return Case(p => p.SetDocumentTitle(null), "SetDocumentTitle", "title");
            yield return Case(p => p.SetCustomUrl(null), "SetCustomUrl", "url");
            yield return Case(p => p.TrackSiteSearch(null), "TrackSiteSearch", "keyword");
            yield return Case(p => p.TrackSiteSearch("  "), "TrackSiteSearch", "keyword");
            yield return Case(p => p.TrackSiteSearch("k", ""), "TrackSiteSearch", "category");
            yield return Case(p => p.TrackSiteSearch("k", null, -1), "TrackSiteSearch", "resultsCount");
            yield return Case(p => p.SetEcommerceView(null, null, null, 1m), "SetEcommerceView", "sku");
            yield return Case(p => p.SetEcommerceView(" ", "n", "c", 1m), "SetEcommerceView", "sku");
            yield return Case(p => p.SetEcommerceView(null, "n", "c", null), "SetEcommerceView", "productName");
            yield return Case(p => p.SetEcommerceView("s", "n", "", null), "SetEcommerceView", "category");
            yield return Case(p => p.SetEcommerceView("s", "n", "c", -0.01m), "SetEcommerceView", "price");
            yield return Case(p => p.AddEcommerceItem(null, "n", "c", 1m, 1), "AddEcommerceItem", "sku");
            yield return Case(p => p.AddEcommerceItem("s", "", "c", 1m, 1), "AddEcommerceItem", "productName");
            yield return Case(p => p.AddEcommerceItem("s", "n", " ", 1m, 1), "AddEcommerceItem", "category");
            yield return Case(p => p.AddEcommerceItem("s", "n", "c", -1m, 1), "AddEcommerceItem", "price");
            yield return Case(p => p.AddEcommerceItem("s", "n", "c", 1m, 0), "AddEcommerceItem", "quantity");
            yield return Case(p => p.TrackEcommerceCartUpdate(-1m), "TrackEcommerceCartUpdate", "grandTotal");
            yield return Case(p => p.TrackEcommerceOrder("", 1m), "TrackEcommerceOrder", "orderId");
            yield return Case(p => p.TrackEcommerceOrder("o", -1m), "TrackEcommerceOrder", "grandTotal");
            yield return Case(p => p.TrackEcommerceOrder("o", 1m, -1m), "TrackEcommerceOrder", "subTotal");
            yield return Case(p => p.TrackEcommerceOrder("o", 1m, tax: -1m), "TrackEcommerceOrder", "tax");
            yield return Case(p => p.TrackEcommerceOrder("o", 1m, shipping: -1m), "TrackEcommerceOrder", "shipping");
            yield return Case(p => p.TrackEcommerceOrder("o", 1m, discount: -1m), "TrackEcommerceOrder", "discount");
            yield return Case(p => p.TrackGoal(0), "TrackGoal", "goalId");
            yield return Case(p => p.TrackGoal(1, -5m), "TrackGoal", "revenue");
            yield return Case(p => p.TrackEvent(null, "a"), "TrackEvent", "category");
            yield return Case(p => p.TrackEvent("c", " "), "TrackEvent", "action");
            yield return Case(p => p.TrackEvent("c", "a", ""), "TrackEvent", "name");
            yield return Case(p => p.TrackEvent("c", "a", "n", double.NaN), "TrackEvent", "value");
            yield return Case(p => p.TrackEvent("c", "a", "n", double.PositiveInfinity), "TrackEvent", "value");
            yield return Case(p => p.Exclude(null), "Exclude", "reason");
            yield return Case(p => p.Exclude("\t"), "Exclude", "reason");
        }

        private static int _case;

        [TestCaseSource(nameof(Invalid))]
        public void Arguments_are_checked_when_called_and_the_exception_names_method_and_argument(Action<MatomoPage> call, string method, string argument)
        {
            var page = new MatomoPage();
            page.TrackGoal(9); // something already there
            string before = MatomoRenderer.Render(TestSettings.Basic(), page);
            var e = Assert.Throws(Is.InstanceOf<ArgumentException>(), () => call(page));
            Assert.That(((ArgumentException)e).ParamName, Is.EqualTo(argument));
            Assert.That(e.Message, Does.StartWith($"MatomoPage.{method}: {argument} "));
            Assert.That(MatomoRenderer.Render(TestSettings.Basic(), page), Is.EqualTo(before), "a refused call leaves nothing behind");
        }

        [Test]
        public void A_refused_value_is_not_quoted_in_the_message()
        {
            var e = Assert.Throws<ArgumentException>(() => new MatomoPage().SetCustomUrl("javascript:secret-token-123"));
            Assert.That(e.Message, Does.Not.Contain("secret-token-123"));
        }

        // ---- culture ----

        [TestCase("de-DE")]
        [TestCase("fr-FR")]
        [TestCase("ar-SA")]
        [TestCase("fa-IR")]
        public void Numbers_are_written_culture_invariant_whatever_the_current_culture(string name)
        {
            string invariant = WithCulture(CultureInfo.InvariantCulture, RenderNumbers);
            var culture = CultureInfo.GetCultureInfo(name);
            string local = WithCulture(culture, RenderNumbers);
            Assert.That(local, Is.EqualTo(invariant));
            Snippet s = Snippet.Parse(local);
            Assert.That(s.Single("trackEcommerceOrder"), Is.EqualTo(new object[] { "A-1", 1234567.89, 1000.5, 0.07, 12, 0.001 }));
            Assert.That(s.Single("trackEvent"), Is.EqualTo(new object[] { "c", "a", "n", 2.5 }));
            Assert.That(s.Single("trackGoal"), Is.EqualTo(new object[] { 7, 99.9 }));
            Assert.That(s.Single("trackSiteSearch"), Is.EqualTo(new object[] { "k", false, 1234 }));
            Assert.That(s.Script.TextContent, Does.Contain("1234567.89, 1000.5, 0.07, 12, 0.001"), "plain ASCII digits and point, no trailing zeros");
        }

        private static string RenderNumbers()
        {
            var page = new MatomoPage();
            page.TrackEcommerceOrder("A-1", 1234567.89m, 1000.50m, 0.070m, 12.00m, 0.001m);
            page.TrackEvent("c", "a", "n", 2.5);
            page.TrackGoal(7, 99.90m);
            page.TrackSiteSearch("k", null, 1234);
            page.Commands.Add(new MatomoCommand("setCustomData", 3.25m, 1.5));
            return MatomoRenderer.Render(TestSettings.Basic((Keys.HeartBeatSeconds, "1234"), (Keys.VisitorCookieTimeout, "33955200")), page);
        }

        private static T WithCulture<T>(CultureInfo culture, Func<T> action)
        {
            CultureInfo saved = Thread.CurrentThread.CurrentCulture, savedUi = Thread.CurrentThread.CurrentUICulture;
            Thread.CurrentThread.CurrentCulture = culture;
            Thread.CurrentThread.CurrentUICulture = culture;
            try { return action(); }
            finally
            {
                Thread.CurrentThread.CurrentCulture = saved;
                Thread.CurrentThread.CurrentUICulture = savedUi;
            }
        }

        [Test]
        public void Decimals_have_no_trailing_zeros_no_exponent_and_no_negative_zero()
        {
            foreach (var (value, text) in new[] { (12.50m, "12.5"), (0.0001000m, "0.0001"), (-0.0m, "0"), (100m, "100"), (3000000000m, "3000000000"),
                         (79228162514264337593543950335m, "79228162514264337593543950335"), (0.0000000000000000000000000001m, "0.0000000000000000000000000001") })
            {
                var page = new MatomoPage();
                page.TrackEcommerceCartUpdate(value);
                Assert.That(Render(page).Script.TextContent, Does.Contain("[\"trackEcommerceCartUpdate\", " + text + "]);"), value.ToString(CultureInfo.InvariantCulture));
            }
        }

        [Test]
        public void Any_decimal_is_written_as_its_shortest_invariant_form_and_reads_back_the_same()
        {
            var random = new Random(20261126);
            var values = new List<decimal> { -12.50m, -0.001m, 1.0000m, 10.10m, 9223372036854775807m, -9223372036854775807m, 9223372036854775808m,
                0.0000000000000000000000000001m, decimal.MinValue, decimal.MaxValue, 1e-28m * 7 };
            for (int i = 0; i < 3000; i++)
            {
                int hi = random.Next(4) == 0 ? random.Next() : 0, mid = random.Next(3) == 0 ? random.Next() : random.Next(1000);
                values.Add(new decimal(random.Next(), mid, hi, random.Next(2) == 0, (byte)random.Next(29)));
            }
            foreach (decimal value in values)
            {
                string script = new MatomoCommand("m", value).Script;
                string text = script.Substring("_paq.push([\"m\", ".Length, script.Length - "_paq.push([\"m\", ".Length - "]);\n".Length);
                Assert.That(text, Does.Match(@"^-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$"), value.ToString(CultureInfo.InvariantCulture));
                Assert.That(decimal.Parse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture), Is.EqualTo(value), text);
            }
        }

        // ---- encoding ----

        [Test]
        public void Hostile_strings_reach_the_tracker_intact_through_every_method()
        {
            const string evil = "</script><script>alert(1)</script>\"'\\\u2028\u2029<!--\uD800&amp;\0";
            var page = new MatomoPage();
            page.SetUserId(evil);
            page.SetCustomDimension(1, evil);
            page.SetCustomVariable(1, evil, evil);
            page.SetDocumentTitle(evil);
            page.SetEcommerceView(evil, evil, evil, 1m);
            page.TrackSiteSearch(evil, evil, 1);
            page.AddEcommerceItem(evil, evil, new[] { evil }, 1m, 1);
            page.TrackEcommerceOrder(evil, 1m);
            page.TrackEvent(evil, evil, evil);
            Snippet s = Render(page);
            Assert.That(s.Structure, Is.EqualTo(new[] { "script", "noscript" }), "nothing closed the script element");
            var strings = s.Commands.SelectMany(c => c.Skip(1)).SelectMany(v => v is object[] a ? a : new[] { v }).OfType<string>()
                .Where(v => v.StartsWith("</script>")).ToList();
            Assert.That(strings, Has.Count.EqualTo(17));
            Assert.That(strings, Is.All.EqualTo(evil));
        }

        // ---- exclusion ----

        [Test]
        public void Exclude_comments_the_snippet_out_with_the_reason_and_without_the_user_id()
        {
            var page = new MatomoPage();
            page.SetUserId("Sir Robin the Not-Quite-So-Brave");
            page.TrackGoal(1);
            page.Exclude("load test --> <script>alert(1)</script>");
            page.Exclude("a second reason");
            string html = MatomoRenderer.Render(TestSettings.Basic(), page);
            Snippet s = Snippet.Parse(html);
            Assert.That(s.Structure, Is.EqualTo(new[] { "#comment" }), "one comment: the reason could not end it");
            Assert.That(html, Does.StartWith(MatomoRenderer.ExcludedComment + " (load test -_ "));
            Assert.That(s.Comment, Does.Contain(" script alert(1) /script )\n<script>"));
            Assert.That(s.Comment, Does.Contain("trackGoal"), "the snippet the page would have had, commented out");
            Assert.That(html, Does.Not.Contain("Robin").And.Not.Contain("setUserId"));
            Assert.That(html, Does.Not.Contain("second reason"), "the first reason given is the one shown");
            Assert.That(page.Suppression, Is.EqualTo(MatomoSuppression.Excluded));
            Assert.That(page.ExclusionReason, Does.StartWith("load test"));
        }
    }
}

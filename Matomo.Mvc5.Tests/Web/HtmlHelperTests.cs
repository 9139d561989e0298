using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Web;
using System.Web.Mvc;
using System.Web.Routing;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Tests.Support;
using Moq;
using NUnit.Framework;
using static Matomo.Mvc5.Configuration.MatomoSettings;

namespace Matomo.Mvc5.Tests
{
    /// <summary>The thin System.Web/MVC layer: ViewData, identity, internal addresses, DNT, nonce, against Moq'd HttpContextBase.</summary>
    public class HtmlHelperTests
    {
        private FakeHttp _http;
        private ViewDataDictionary _viewData;

        [SetUp]
        public void SetUp()
        {
            _http = new FakeHttp();
            _viewData = new ViewDataDictionary();
        }

        private Snippet Render(MatomoSettings settings = null, string nonce = null) =>
            Snippet.Parse(MatomoHtmlHelperExtensions.Render(_http.Build(), _viewData, settings ?? TestSettings.Basic(), nonce));

        [Test]
        public void Html_Matomo_renders_from_the_application_settings_through_a_real_HtmlHelper()
        {
            MatomoConfiguration.Override(TestSettings.Basic());
            try
            {
                _viewData["matomo_identity"] = "guido";
                var viewContext = new ViewContext { HttpContext = _http.Build(), ViewData = _viewData, Writer = TextWriter.Null };
                var container = new Mock<IViewDataContainer>();
                container.Setup(c => c.ViewData).Returns(_viewData);
                var html = new HtmlHelper(viewContext, container.Object, new RouteCollection());
                IHtmlString result = html.Matomo();
                Assert.That(result, Is.InstanceOf<MvcHtmlString>(), "Razor must not encode it again");
                Assert.That(Snippet.Parse(result.ToHtmlString()).Single("setUserId"), Is.EqualTo(new[] { "guido" }));
            }
            finally
            {
                MatomoConfiguration.Override(null);
            }
        }

        [Test]
        public void Nothing_is_rendered_without_domain_or_site()
        {
            Assert.That(MatomoHtmlHelperExtensions.Render(_http.Build(), _viewData, TestSettings.Create((Keys.SiteId, "1")), null), Is.Empty);
            Assert.That(MatomoHtmlHelperExtensions.Render(_http.Build(), _viewData, TestSettings.Create((Keys.DomainPath, "example.com")), null), Is.Empty);
        }

        // django-analytical: test_tag_with_custom_variables / default scope.
        [Test]
        public void Custom_variables_from_ViewBag_tuples_with_default_scope()
        {
            _viewData["matomo_vars"] = new object[]
            {
                Tuple.Create(1, "foo", "Sir Lancelot of Camelot"),
                Tuple.Create(2, "bar", "To seek the Holy Grail", "page"),
                Tuple.Create(3, "spam", "Blue", "visit"),
            };
            Assert.That(Render().Commands.Where(c => (string)c[0] == "setCustomVariable"), Is.EqualTo(new[]
            {
                new object[] { "setCustomVariable", 1, "foo", "Sir Lancelot of Camelot", "page" },
                new object[] { "setCustomVariable", 2, "bar", "To seek the Holy Grail", "page" },
                new object[] { "setCustomVariable", 3, "spam", "Blue", "visit" },
            }));
        }

        [Test]
        public void Custom_variables_in_every_accepted_shape()
        {
            var vars = new List<object>
            {
                new[] { Tuple.Create(1, "a", "b") }.Single(),
                (2, "c", "d"),
                (3, "e", "f", "VISIT"),
                new object[] { 4, "g", "h" },
                new object[] { 5L, "i", "j", "page" },
                new CustomVariable(6, "k", "l", CustomVariableScope.Visit),
                new List<object> { 7, "m", "n" },
            };
            _viewData["matomo_vars"] = vars;
            Assert.That(Render().Commands.Where(c => (string)c[0] == "setCustomVariable").Select(c => $"{c[1]}{c[2]}{c[3]}{c[4]}"),
                Is.EqualTo(new[] { "1abpage", "2cdpage", "3efvisit", "4ghpage", "5ijpage", "6klvisit", "7mnpage" }));
        }

        [Test]
        public void ViewBag_assignment_style_of_legacy_controllers()
        {
            dynamic viewBag = new DynamicViewBag(_viewData);
            viewBag.matomo_vars = new[] { Tuple.Create(1, "foo", "Sir Lancelot of Camelot") };
            viewBag.matomo_identity = "BDFL";
            Snippet s = Render();
            Assert.That(s.Single("setCustomVariable"), Is.EqualTo(new object[] { 1, "foo", "Sir Lancelot of Camelot", "page" }));
            Assert.That(s.Single("setUserId"), Is.EqualTo(new[] { "BDFL" }));
        }

        [TestCase("not a sequence", "is not a sequence")]
        [TestCase(42, "is not a sequence")]
        public void Malformed_vars_entry_is_named(object value, string what)
        {
            _viewData["matomo_vars"] = value;
            var e = Assert.Throws<MatomoViewDataException>(() => Render());
            Assert.That(e.Entry, Is.EqualTo("matomo_vars"));
            Assert.That(e.Message, Does.StartWith("ViewData[\"matomo_vars\"]").And.Contain(what));
        }

        private static IEnumerable<TestCaseData> BadVariables()
        {
            yield return new TestCaseData(Tuple.Create(1, "a"), "has 2 parts");
            yield return new TestCaseData(new object[] { 1, "a", "b", "page", "x" }, "has 5 parts");
            yield return new TestCaseData(new object[] { "1", "a", "b" }, "index \"1\" is not an integer");
            yield return new TestCaseData(new object[] { 0, "a", "b" }, "index 0");
            yield return new TestCaseData(new object[] { 1.5, "a", "b" }, "is not an integer");
            yield return new TestCaseData(Tuple.Create(1, "a", "b", "session"), "scope \"session\" is not");
            yield return new TestCaseData(new object[] { 1, null, "b" }, "name null is not a string");
            yield return new TestCaseData(new object[] { 1, "a", 5 }, "value 5");
            yield return new TestCaseData("abc", "not a tuple");
            yield return new TestCaseData(null, "not a tuple");
        }

        [TestCaseSource(nameof(BadVariables))]
        public void Malformed_variable_names_its_position_and_fault(object bad, string what)
        {
            _viewData["matomo_vars"] = new[] { Tuple.Create(1, "ok", "ok"), bad };
            var e = Assert.Throws<MatomoViewDataException>(() => Render());
            Assert.That(e.Message, Does.Contain("item 2").And.Contain(what));
        }

        // django-analytical: test_identify / test_identify_override / test_identify_disable.
        [Test]
        public void Automatic_identity_from_the_authenticated_principal()
        {
            _http.User = FakeHttp.SignedIn("BDFL");
            Assert.That(Render().Single("setUserId"), Is.EqualTo(new[] { "BDFL" }));
        }

        [Test]
        public void Anonymous_visitors_get_no_user_id()
        {
            _http.User = FakeHttp.Anonymous();
            Assert.That(Render().CommandNames, Does.Not.Contain("setUserId"));
            _http.User = null;
            Assert.That(Render().CommandNames, Does.Not.Contain("setUserId"));
        }

        [Test]
        public void Identity_override_wins_over_the_principal()
        {
            _http.User = FakeHttp.SignedIn("BDFL");
            _viewData["matomo_identity"] = "Guido van Rossum";
            Assert.That(Render().Single("setUserId"), Is.EqualTo(new[] { "Guido van Rossum" }));
        }

        [Test]
        public void Identity_set_to_null_disables_the_user_id()
        {
            _http.User = FakeHttp.SignedIn("BDFL");
            _viewData["matomo_identity"] = null;
            Assert.That(Render().CommandNames, Does.Not.Contain("setUserId"));
        }

        [Test]
        public void Analytical_identity_applies_and_matomo_identity_wins()
        {
            _http.User = FakeHttp.SignedIn("BDFL");
            _viewData["analytical_identity"] = "shared";
            Assert.That(Render().Single("setUserId"), Is.EqualTo(new[] { "shared" }));
            _viewData["matomo_identity"] = "specific";
            Assert.That(Render().Single("setUserId"), Is.EqualTo(new[] { "specific" }));
            _viewData["matomo_identity"] = null;
            Assert.That(Render().CommandNames, Does.Not.Contain("setUserId"), "present with null disables, even with analytical_identity");
        }

        [Test]
        public void Auto_identify_off_means_no_automatic_identity_but_overrides_still_work()
        {
            _http.User = FakeHttp.SignedIn("BDFL");
            MatomoSettings settings = TestSettings.Basic((Keys.AutoIdentify, "false"));
            Assert.That(Render(settings).CommandNames, Does.Not.Contain("setUserId"));
            _viewData["matomo_identity"] = 12345;
            Assert.That(Render(settings).Single("setUserId"), Is.EqualTo(new[] { "12345" }));
        }

        // django-analytical: test_disable_cookies.
        [Test]
        public void Disable_cookies()
        {
            Assert.That(Render(TestSettings.Basic((Keys.DisableCookies, "true"))).CommandNames, Does.Contain("disableCookies"));
            Assert.That(Render().CommandNames, Does.Not.Contain("disableCookies"));
        }

        // django-analytical: test_render_internal_ip.
        [Test]
        public void Internal_client_gets_the_commented_out_snippet()
        {
            _http.RemoteAddress = "10.1.2.3";
            Snippet s = Render(TestSettings.Basic((Keys.InternalIps, "10.0.0.0/8")));
            Assert.That(s.Structure, Is.EqualTo(new[] { "#comment" }));
            Assert.That(s.Html, Does.StartWith("<!-- Matomo disabled on internal IP address\n").And.EndWith("\n-->"));
        }

        [Test]
        public void Internal_client_behind_a_trusted_proxy()
        {
            _http.RemoteAddress = "127.0.0.1";
            _http.Headers["X-Forwarded-For"] = "192.168.5.5";
            Assert.That(Render(TestSettings.Basic((Keys.AnalyticalInternalIps, "192.168.0.0/16"))).Structure, Is.EqualTo(new[] { "#comment" }));
        }

        [Test]
        public void Forged_forwarding_from_an_untrusted_peer_is_not_believed()
        {
            _http.RemoteAddress = "203.0.113.9";
            _http.Headers["X-Forwarded-For"] = "10.1.1.1";
            _http.Headers["Forwarded"] = "for=10.1.1.1";
            Assert.That(Render(TestSettings.Basic((Keys.InternalIps, "10.0.0.0/8"))).Structure, Is.EqualTo(new[] { "script", "noscript" }));
        }

        [Test]
        public void An_IPv6_trusted_range_does_not_let_a_direct_IPv4_client_claim_an_internal_address()
        {
            _http.RemoteAddress = "203.0.113.5";
            _http.Headers["X-Forwarded-For"] = "10.0.0.1";
            Snippet s = Render(TestSettings.Basic((Keys.TrustedProxies, "::/0"), (Keys.InternalIps, "10.0.0.0/8")));
            Assert.That(s.Structure, Is.EqualTo(new[] { "script", "noscript" }), "tracked: the forged header is not believed");
            Assert.That(s.CommandNames, Does.Contain("trackPageView"));

            // The other way: a range in the IPv4-mapped block trusts IPv4 proxies, so the header is believed.
            _http.Items.Clear();
            Assert.That(Render(TestSettings.Basic((Keys.TrustedProxies, "::ffff:0:0/96"), (Keys.InternalIps, "10.0.0.0/8"))).Structure,
                Is.EqualTo(new[] { "#comment" }));
        }

        [Test]
        public void An_empty_X_Forwarded_For_leaves_the_Forwarded_header_to_decide()
        {
            _http.RemoteAddress = "127.0.0.1";
            _http.Headers["X-Forwarded-For"] = "";
            _http.Headers["Forwarded"] = "for=192.168.5.5";
            Assert.That(Render(TestSettings.Basic((Keys.InternalIps, "192.168.0.0/16"))).Structure, Is.EqualTo(new[] { "#comment" }));
        }

        [Test]
        public void The_modules_verdict_is_used_and_resolution_happens_once_per_request()
        {
            MatomoSettings settings = TestSettings.Basic((Keys.InternalIps, "10.0.0.0/8"));
            _http.RemoteAddress = "10.1.1.1";
            HttpContextBase context = _http.Build();
            MatomoClientInfo first = MatomoHttpContextExtensions.GetClient(context, settings);
            Assert.That(first.IsInternal, Is.True);
            int reads = _http.AddressReads;
            Assert.That(reads, Is.EqualTo(1));
            _http.RemoteAddress = "203.0.113.1"; // the verdict is per request: kept in Items
            Assert.That(MatomoHttpContextExtensions.GetClient(context, settings), Is.SameAs(first));
            Assert.That(Snippet.Parse(MatomoHtmlHelperExtensions.Render(context, _viewData, settings, null)).Structure, Is.EqualTo(new[] { "#comment" }));
            Assert.That(_http.AddressReads, Is.EqualTo(reads));
            Assert.That(_http.Items.Count, Is.EqualTo(1));
        }

        [Test]
        public void Public_accessor_for_application_code()
        {
            MatomoConfiguration.Override(TestSettings.Basic((Keys.InternalIps, "10.0.0.0/8")));
            try
            {
                _http.RemoteAddress = "127.0.0.1";
                _http.Headers["X-Forwarded-For"] = "203.0.113.7:1234";
                MatomoClientInfo info = _http.Build().GetMatomoClient();
                Assert.That(info.Address.ToString(), Is.EqualTo("203.0.113.7"));
                Assert.That(info.IsInternal, Is.False);
            }
            finally
            {
                MatomoConfiguration.Override(null);
            }
        }

        [TestCase("DNT", "1", true)]
        [TestCase("Sec-GPC", "1", true)]
        [TestCase("DNT", "0", false)]
        [TestCase("X-Other", "1", false)]
        public void Do_not_track_and_global_privacy_control(string header, string value, bool suppressed)
        {
            _http.Headers[header] = value;
            Snippet s = Render(TestSettings.Basic((Keys.RespectDoNotTrack, "true")));
            Assert.That(s.Structure, Is.EqualTo(suppressed ? new[] { "#comment" } : new[] { "script", "noscript" }));
            if (suppressed) Assert.That(s.Comment, Does.Contain("not to be tracked"));
            else Assert.That(s.Single("setDoNotTrack"), Is.EqualTo(new object[] { true }));
            Assert.That(Render().Structure, Is.EqualTo(new[] { "script", "noscript" }), "ignored unless RespectDoNotTrack");
        }

        [Test]
        public void Nonce_from_argument_or_from_the_items_key()
        {
            MatomoSettings settings = TestSettings.Basic((Keys.NonceItemKey, "csp-nonce"));
            _http.Items["csp-nonce"] = "fromItems";
            Assert.That(Render(settings).Script.GetAttribute("nonce"), Is.EqualTo("fromItems"));
            Assert.That(Render(settings, "explicit").Script.GetAttribute("nonce"), Is.EqualTo("explicit"));
            Assert.That(Render().Script.HasAttribute("nonce"), Is.False, "no key configured");
            _http.Items.Remove("csp-nonce");
            Assert.That(Render(settings).Script.HasAttribute("nonce"), Is.False);
        }

        [Test]
        public void Dimensions_from_a_dictionary_or_pairs()
        {
            _viewData["matomo_dimensions"] = new Dictionary<int, string> { { 1, "gold" }, { 4, "<b>" } };
            Assert.That(Render().Commands.Where(c => (string)c[0] == "setCustomDimension"),
                Is.EqualTo(new[] { new object[] { "setCustomDimension", 1, "gold" }, new object[] { "setCustomDimension", 4, "<b>" } }));
            _viewData["matomo_dimensions"] = new object[] { Tuple.Create(2, "a"), (3, "b"), new KeyValuePair<int, string>(5, "c"), new object[] { 6, null } };
            Assert.That(Render().Commands.Where(c => (string)c[0] == "setCustomDimension").Select(c => $"{c[1]}={c[2]}"),
                Is.EqualTo(new[] { "2=a", "3=b", "5=c", "6=" }));
        }

        [TestCase(new object[] { 0, "a" }, "id 0")]
        [TestCase(new object[] { "x", "a" }, "id \"x\"")]
        [TestCase(new object[] { 1, 2 }, "value 2")]
        [TestCase(new object[] { 1 }, "has 1 parts")]
        public void Malformed_dimension(object[] bad, string what)
        {
            _viewData["matomo_dimensions"] = new[] { bad };
            var e = Assert.Throws<MatomoViewDataException>(() => Render());
            Assert.That(e.Message, Does.Contain("matomo_dimensions").And.Contain("item 1").And.Contain(what));
        }

        [Test]
        public void Page_commands_for_404_tracking_and_events()
        {
            _viewData["matomo_commands"] = new object[]
            {
                new object[] { "setDocumentTitle", "404/URL = /missing?x=1/From = /home" },
                new MatomoCommand("trackEvent", "Video", "Play", "Intro", 3),
                new object[] { "setCustomUrl", null },
            };
            Snippet s = Render();
            Assert.That(s.CommandNames.Take(3), Is.EqualTo(new[] { "setDocumentTitle", "trackEvent", "setCustomUrl" }));
            Assert.That(s.Single("trackEvent"), Is.EqualTo(new object[] { "Video", "Play", "Intro", 3 }));
            Assert.That(s.CommandNames.IndexOf("setDocumentTitle"), Is.LessThan(s.CommandNames.IndexOf("trackPageView")));
        }

        [TestCase(new object[] { "alert(1);x" }, "not a plain JavaScript identifier")]
        [TestCase(new object[] { "trackEvent\n" }, "not a plain JavaScript identifier")]
        [TestCase(new object[] { "trackEvent", 1.0 / 0.0 }, "must be finite")]
        [TestCase(new object[] { "trackEvent", new int[0] }, "must be a string, a number, a boolean or null")]
        [TestCase(new object[] { 5, "x" }, "first part must be the method name")]
        public void Malformed_command(object[] bad, string what)
        {
            _viewData["matomo_commands"] = new[] { new object[] { "ok" }, bad };
            var e = Assert.Throws<MatomoViewDataException>(() => Render());
            Assert.That(e.Message, Does.Contain("matomo_commands").And.Contain("item 2").And.Contain(what));
        }

        private sealed class DynamicViewBag : System.Dynamic.DynamicObject
        {
            private readonly ViewDataDictionary _viewData;
            public DynamicViewBag(ViewDataDictionary viewData) { _viewData = viewData; }
            public override bool TrySetMember(System.Dynamic.SetMemberBinder binder, object value)
            {
                _viewData[binder.Name] = value;
                return true;
            }
        }
    }
}

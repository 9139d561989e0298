using System;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Web;
using System.Web.Mvc;
using System.Web.Routing;
using Matomo.Mvc5.Rendering;
using Matomo.Mvc5.Tests.Support;
using Moq;
using NUnit.Framework;
using Keys = Matomo.Mvc5.Configuration.MatomoSettings.Keys;

namespace Matomo.Mvc5.Tests.Web
{
    /// <summary>
    /// in production (debug="false") analytics never takes a page down; it comments itself out, names the
    /// problem without values, and traces the full message. With debug="true" it throws, and says which key is unset.
    /// </summary>
    [NonParallelizable]
    public class MatomoFailureTests
    {
        private const string Secret = "TopSecretApiToken123";
        private FakeHttp _http;
        private ViewDataDictionary _viewData;
        private RecordingListener _trace;

        private sealed class RecordingListener : TraceListener
        {
            public readonly List<string> Lines = new List<string>();
            public override void Write(string message) => Lines.Add(message);
            public override void WriteLine(string message) => Lines.Add(message);
            public string All => string.Join("\n", Lines);
        }

        [SetUp]
        public void SetUp()
        {
            _http = new FakeHttp();
            _viewData = new ViewDataDictionary();
            _trace = new RecordingListener();
            Trace.Listeners.Add(_trace);
        }

        [TearDown]
        public void TearDown()
        {
            Trace.Listeners.Remove(_trace);
            MatomoConfiguration.Override(null);
        }

        private static NameValueCollection AppSettings(params (string Key, string Value)[] pairs)
        {
            var c = new NameValueCollection { { Keys.DomainPath, "matomo.example.com" }, { Keys.SiteId, "4" } };
            foreach (var (key, value) in pairs) c[key] = value;
            return c;
        }

        private string Page()
        {
            HttpContextBase context = _http.Build();
            var viewContext = new ViewContext { HttpContext = context, ViewData = _viewData, Writer = TextWriter.Null };
            var container = new Mock<IViewDataContainer>();
            container.Setup(c => c.ViewData).Returns(_viewData);
            return new HtmlHelper(viewContext, container.Object, new RouteCollection()).Matomo().ToHtmlString();
        }

        [Test]
        public void Production_renders_a_comment_naming_an_invalid_key_without_its_value_and_traces_the_value()
        {
            MatomoConfiguration.OverrideAppSettings(AppSettings((Keys.SiteId, Secret)));
            Snippet page = Snippet.Parse(Page());
            Assert.That(page.Structure, Is.EqualTo(new[] { "#comment" }));
            Assert.That(page.Comment, Does.Contain(Keys.SiteId).And.Contain("positive whole number"));
            Assert.That(page.Html, Does.Not.Contain(Secret));
            Assert.That(_trace.All, Does.Contain(Keys.SiteId).And.Contain(Secret), "the full message goes to the trace");
        }

        [Test]
        public void Production_never_shows_nor_traces_the_value_of_an_unknown_key()
        {
            MatomoConfiguration.OverrideAppSettings(AppSettings(("matomo:SiteDi", Secret)));
            Snippet page = Snippet.Parse(Page());
            Assert.That(page.Structure, Is.EqualTo(new[] { "#comment" }), page.Html);
            Assert.That(page.Comment, Does.Contain("matomo:SiteDi").And.Contain("not a Matomo.Mvc5 setting"));
            Assert.That(page.Html + _trace.All, Does.Not.Contain(Secret));
            Assert.That(_trace.All, Does.Contain("did you mean matomo:SiteId?"));
        }

        [Test]
        public void Production_renders_a_comment_for_a_malformed_ViewData_entry_without_the_pages_data()
        {
            MatomoConfiguration.OverrideAppSettings(AppSettings());
            _viewData["matomo_vars"] = new[] { Tuple.Create(0, "plan", "gold-customer-4711") };
            Snippet page = Snippet.Parse(Page());
            Assert.That(page.Structure, Is.EqualTo(new[] { "#comment" }));
            Assert.That(page.Comment, Does.Contain("ViewData[\"matomo_vars\"] is malformed"));
            Assert.That(page.Html, Does.Not.Contain("gold-customer-4711"));
            Assert.That(_trace.All, Does.Contain("gold-customer-4711").And.Contain("not an integer of 1 or more"));
        }

        [Test]
        public void Debug_throws_as_before()
        {
            _http.Debug = true;
            MatomoConfiguration.OverrideAppSettings(AppSettings((Keys.SiteId, "4x")));
            var e = Assert.Throws<MatomoConfigurationException>(() => Page());
            Assert.That(e.Key, Is.EqualTo(Keys.SiteId));
            MatomoConfiguration.OverrideAppSettings(AppSettings());
            _viewData["matomo_dimensions"] = "not a sequence";
            Assert.That(Assert.Throws<MatomoViewDataException>(() => Page()).Entry, Is.EqualTo("matomo_dimensions"));
        }

        [TestCase(Keys.DomainPath, Keys.DomainPath)]
        [TestCase(Keys.SiteId, Keys.SiteId)]
        public void Debug_says_which_unset_key_turns_tracking_off_and_production_renders_nothing(string unset, string named)
        {
            var settings = AppSettings();
            settings.Remove(unset);
            MatomoConfiguration.OverrideAppSettings(settings);
            Assert.That(Page(), Is.Empty, "production: nothing");
            _http.Debug = true;
            Snippet page = Snippet.Parse(Page());
            Assert.That(page.Structure, Is.EqualTo(new[] { "#comment" }));
            Assert.That(page.Comment, Does.Contain(named + " is not set"));
        }

        [Test]
        public void Module_lets_production_requests_through_a_bad_setting_and_fails_them_in_debug()
        {
            MatomoConfiguration.OverrideAppSettings(AppSettings((Keys.InternalIps, "10.0.0.0/33")));
            Assert.DoesNotThrow(() => MatomoModule.OnBeginRequest(_http.Build()));
            _http.Debug = true;
            Assert.Throws<MatomoConfigurationException>(() => MatomoModule.OnBeginRequest(_http.Build()));
        }

        [Test]
        public void Validate_fails_fast_at_start_up_and_returns_the_settings_in_force()
        {
            MatomoConfiguration.OverrideAppSettings(AppSettings((Keys.HeartBeatSeconds, "often")));
            Assert.That(Assert.Throws<MatomoConfigurationException>(() => MatomoConfiguration.Validate()).Key, Is.EqualTo(Keys.HeartBeatSeconds));
            MatomoConfiguration.OverrideAppSettings(AppSettings());
            Assert.That(MatomoConfiguration.Validate().SiteId, Is.EqualTo(4));
        }

        [TestCase("a --> b")]
        [TestCase("--!><script>alert(1)</script>")]
        [TestCase("-")]
        public void The_comment_cannot_be_closed_early_by_its_reason(string reason)
        {
            Snippet page = Snippet.Parse(MatomoRenderer.RenderDisabledComment(reason) + "<p>after</p>");
            Assert.That(page.Structure, Is.EqualTo(new[] { "#comment", "p" }));
            Assert.That(page.Script, Is.Null);
        }

        [Test]
        public void Every_failure_description_names_what_is_wrong_and_holds_no_value()
        {
            var invalid = new MatomoConfigurationException(Keys.TrustedProxies, Secret, "IPv4/IPv6 addresses", Secret + " is not an address");
            Assert.That(MatomoFailure.Describe(invalid), Does.Contain(Keys.TrustedProxies).And.Not.Contain(Secret));
            Assert.That(MatomoFailure.Describe(new MatomoViewDataException("matomo_identity", Secret)), Does.Not.Contain(Secret));
            Assert.That(MatomoFailure.Describe(new InvalidOperationException(Secret)), Does.Not.Contain(Secret).And.Contain("InvalidOperationException"));
        }
    }
}

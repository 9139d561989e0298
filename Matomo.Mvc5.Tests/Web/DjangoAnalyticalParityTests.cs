using System;
using System.Web.Mvc;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Tests.Support;
using NUnit.Framework;
using static Matomo.Mvc5.Configuration.MatomoSettings;

namespace Matomo.Mvc5.Tests.Web
{
    /// <summary>
    /// django-analytical's tests/unit/test_tag_matomo.py, case by case, translated to this API (MATOMO_DOMAIN_PATH =
    /// example.com, MATOMO_SITE_ID = 345). Where django-analytical raises at configuration, we raise
    /// MatomoConfigurationException for an invalid value and render nothing for an unset one, as its documentation says.
    /// </summary>
    public class DjangoAnalyticalParityTests
    {
        private static MatomoSettings Settings(string domainPath = "example.com", string siteId = "345", params (string, string)[] more) =>
            TestSettings.Site(domainPath, siteId, more);

        private static Snippet Render(MatomoSettings settings, ViewDataDictionary viewData = null, FakeHttp http = null) =>
            Snippet.Parse(MatomoHtmlHelperExtensions.Render((http ?? new FakeHttp()).Build(), viewData ?? new ViewDataDictionary(), settings, null));

        [Test]
        public void test_tag_and_test_node()
        {
            Snippet s = Render(Settings());
            Assert.That(s.Single("setTrackerUrl"), Is.EqualTo(new[] { "//example.com/matomo.php" }));
            Assert.That(s.Single("setSiteId"), Is.EqualTo(new[] { "345" }));
            Assert.That(s.NoscriptImageSrc, Is.EqualTo("//example.com/matomo.php?idsite=345&rec=1"));
        }

        [TestCase("example.com/matomo", "//example.com/matomo/", TestName = "test_domain_path_valid")]
        [TestCase("example.com:1234", "//example.com:1234/", TestName = "test_domain_port_valid")]
        [TestCase("example.com:1234/matomo", "//example.com:1234/matomo/", TestName = "test_domain_port_path_valid")]
        public void Valid_domain(string domainPath, string url)
        {
            Assert.That(Render(Settings(domainPath)).Single("setTrackerUrl"), Is.EqualTo(new[] { url + "matomo.php" }));
        }

        [TestCase(null, "345", TestName = "test_no_domain")]
        [TestCase("example.com", null, TestName = "test_no_siteid")]
        public void Unset_renders_nothing(string domainPath, string siteId)
        {
            Assert.That(MatomoHtmlHelperExtensions.Render(new FakeHttp().Build(), new ViewDataDictionary(), Settings(domainPath, siteId), null), Is.Empty);
        }

        [TestCase(Keys.SiteId, "x", TestName = "test_siteid_not_a_number")]
        [TestCase(Keys.DomainPath, "http://www.example.com", TestName = "test_domain_protocol_invalid")]
        [TestCase(Keys.DomainPath, "example.com/", TestName = "test_domain_slash_invalid")]
        [TestCase(Keys.DomainPath, "example.com:123:456", TestName = "test_domain_multi_port")]
        [TestCase(Keys.DomainPath, "example.com:", TestName = "test_domain_incomplete_port")]
        [TestCase(Keys.DomainPath, "example.com:/matomo", TestName = "test_domain_uri_incomplete_port")]
        [TestCase(Keys.DomainPath, "example.com:12df", TestName = "test_domain_port_invalid")]
        public void Invalid_setting(string key, string value)
        {
            var e = Assert.Throws<MatomoConfigurationException>(() =>
                Settings(key == Keys.DomainPath ? value : "example.com", key == Keys.SiteId ? value : "345"));
            Assert.That(e.Key, Is.EqualTo(key));
        }

        [Test]
        public void test_render_internal_ip()
        {
            Snippet s = Render(Settings(more: (Keys.AnalyticalInternalIps, "1.1.1.1")), http: new FakeHttp { RemoteAddress = "1.1.1.1" });
            Assert.That(s.Html, Does.StartWith("<!-- Matomo disabled on internal IP address").And.EndWith("-->"));
            Assert.That(s.Structure, Is.EqualTo(new[] { "#comment" }));
        }

        [Test]
        public void test_uservars()
        {
            var viewData = new ViewDataDictionary
            {
                ["matomo_vars"] = new object[] { Tuple.Create(1, "foo", "foo_val"), Tuple.Create(2, "bar", "bar_val", "page"), Tuple.Create(3, "spam", "spam_val", "visit") },
            };
            Assert.That(Render(Settings(), viewData).Commands, Has.Some.EqualTo(new object[] { "setCustomVariable", 1, "foo", "foo_val", "page" })
                .And.Some.EqualTo(new object[] { "setCustomVariable", 2, "bar", "bar_val", "page" })
                .And.Some.EqualTo(new object[] { "setCustomVariable", 3, "spam", "spam_val", "visit" }));
        }

        [Test]
        public void test_default_usertrack()
        {
            Snippet s = Render(Settings(more: (Keys.AutoIdentify, "true")), http: new FakeHttp { User = FakeHttp.SignedIn("BDFL") });
            Assert.That(s.Single("setUserId"), Is.EqualTo(new[] { "BDFL" }));
        }

        [Test]
        public void test_matomo_usertrack()
        {
            Assert.That(Render(Settings(), new ViewDataDictionary { ["matomo_identity"] = "BDFL" }).Single("setUserId"), Is.EqualTo(new[] { "BDFL" }));
        }

        [Test]
        public void test_analytical_usertrack()
        {
            Assert.That(Render(Settings(), new ViewDataDictionary { ["analytical_identity"] = "BDFL" }).Single("setUserId"), Is.EqualTo(new[] { "BDFL" }));
        }

        [Test]
        public void test_disable_usertrack()
        {
            Snippet s = Render(Settings(more: (Keys.AutoIdentify, "true")), new ViewDataDictionary { ["matomo_identity"] = null },
                new FakeHttp { User = FakeHttp.SignedIn("BDFL") });
            Assert.That(s.CommandNames, Does.Not.Contain("setUserId"));
        }

        [Test]
        public void test_disable_cookies()
        {
            Assert.That(Render(Settings(more: (Keys.DisableCookies, "true"))).Single("disableCookies"), Is.Empty);
        }
    }
}

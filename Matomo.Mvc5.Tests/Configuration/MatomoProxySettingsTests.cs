using System;
using System.Linq;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Tests.Support;
using NUnit.Framework;
using static Matomo.Mvc5.Configuration.MatomoSettings;

namespace Matomo.Mvc5.Tests.Configuration
{
    /// <summary>The matomo:Proxy* keys: defaults, validation, and the token that never shows.</summary>
    public class MatomoProxySettingsTests
    {
        private const string Token = "0123456789abcdef0123456789abcdef";

        [Test]
        public void Unset_proxy_path_means_no_proxy()
        {
            Assert.That(TestSettings.Basic((Keys.ProxyUpstream, "http://matomo.internal/"), (Keys.ProxyTokenAuth, Token)).Proxy, Is.Null);
        }

        [Test]
        public void Defaults_follow_the_domain_path()
        {
            MatomoProxySettings p = TestSettings.Basic((Keys.ProxyPath, "insights")).Proxy;
            Assert.That(p.Path, Is.EqualTo("insights"));
            Assert.That(p.PublicPath, Is.EqualTo("/insights/"), "outside a host the application is at /");
            Assert.That(p.Upstream.AbsoluteUri, Is.EqualTo("https://matomo.example.com/"));
            Assert.That(p.HasTokenAuth, Is.False);
            Assert.That(p.TimeoutSeconds, Is.EqualTo(5));
            Assert.That(p.ScriptMaxAgeSeconds, Is.EqualTo(86400));
        }

        [TestCase("/insights/", "insights")]
        [TestCase("assets/stats", "assets/stats")]
        public void Path_is_taken_without_its_slashes(string value, string path) =>
            Assert.That(TestSettings.Basic((Keys.ProxyPath, value)).Proxy.Path, Is.EqualTo(path));

        [Test]
        public void Domain_path_is_optional_with_an_upstream_and_the_proxy_enables_tracking()
        {
            MatomoSettings s = TestSettings.Create((Keys.SiteId, "4"), (Keys.ProxyPath, "insights"),
                (Keys.ProxyUpstream, "http://matomo.internal:8080/matomo"), (Keys.ProxyTokenAuth, Token),
                (Keys.ProxyTimeoutSeconds, "2"), (Keys.ProxyScriptMaxAgeSeconds, "600"));
            Assert.That(s.IsEnabled, Is.True);
            Assert.That(s.DomainPath, Is.Null);
            Assert.That(s.Proxy.Upstream.AbsoluteUri, Is.EqualTo("http://matomo.internal:8080/matomo/"), "a trailing slash is added");
            Assert.That(s.Proxy.HasTokenAuth, Is.True);
            Assert.That(s.Proxy.TimeoutSeconds, Is.EqualTo(2));
            Assert.That(s.Proxy.ScriptMaxAgeSeconds, Is.EqualTo(600));
        }

        [Test]
        public void Without_domain_path_or_upstream_the_upstream_key_is_named()
        {
            var e = Assert.Throws<MatomoConfigurationException>(() => TestSettings.Create((Keys.SiteId, "4"), (Keys.ProxyPath, "insights")));
            Assert.That(e.Key, Is.EqualTo(Keys.ProxyUpstream));
            Assert.That(e.Message, Does.Contain("matomo:DomainPath"));
        }

        [TestCase(Keys.ProxyPath, "../admin")]
        [TestCase(Keys.ProxyPath, "a/./b")]
        [TestCase(Keys.ProxyPath, "http://evil.example/")]
        [TestCase(Keys.ProxyPath, "a b")]
        [TestCase(Keys.ProxyPath, "a?b")]
        [TestCase(Keys.ProxyPath, "a//b")]
        [TestCase(Keys.ProxyPath, "a\\b")]
        [TestCase(Keys.ProxyTimeoutSeconds, "0")]
        [TestCase(Keys.ProxyTimeoutSeconds, "301")]
        [TestCase(Keys.ProxyTimeoutSeconds, "5s")]
        [TestCase(Keys.ProxyScriptMaxAgeSeconds, "59")]
        [TestCase(Keys.ProxyScriptMaxAgeSeconds, "-1")]
        public void Invalid_values_are_refused_naming_key_value_and_form(string key, string value)
        {
            var e = Assert.Throws<MatomoConfigurationException>(() => TestSettings.Basic((Keys.ProxyPath, "insights"), (key, value)));
            Assert.That(e.Key, Is.EqualTo(key));
            Assert.That(e.Message, Does.Contain(key).And.Contain("'" + value + "'").And.Contain("such as"));
        }

        /// <summary>A refused upstream may carry a password: the message names the key and the rule, never the value.</summary>
        [TestCase("http://user:password@matomo.internal/")]
        [TestCase("https://matomo:s3cr3t-pw@matomo.internal:8443/matomo/")]
        [TestCase("http://:s3cr3t-pw@matomo.internal/")]
        [TestCase("matomo.internal")]
        [TestCase("ftp://matomo.internal/")]
        [TestCase("http://matomo.internal/?a=1")]
        [TestCase("http://matomo.internal/#x")]
        [TestCase("/matomo/")]
        public void A_refused_upstream_is_named_by_key_and_rule_never_quoted(string value)
        {
            var e = Assert.Throws<MatomoConfigurationException>(() => TestSettings.Basic((Keys.ProxyPath, "insights"), (Keys.ProxyUpstream, value)));
            Assert.That(e.Key, Is.EqualTo(Keys.ProxyUpstream));
            Assert.That(e.Value, Is.Null);
            Assert.That(e.Message, Does.Contain(Keys.ProxyUpstream).And.Contain("without user name").And.Contain("such as"));
            Assert.That(e.ToString(), Does.Not.Contain("'" + value + "'"));
            foreach (string secret in new[] { "user:password", "s3cr3t-pw" })
                Assert.That(e.ToString(), Does.Not.Contain(secret));
        }

        [TestCase("0123456789abcdef 0123456789abcdef")]
        [TestCase("0123456789abcdef\r\nX-Injected: 1")]
        [TestCase("0123456789abcdef\"<script>")]
        [TestCase("0123456789abcdef&cip=1.2.3.4")]
        public void An_invalid_token_is_refused_without_showing_it(string token)
        {
            var e = Assert.Throws<MatomoConfigurationException>(() => TestSettings.Basic((Keys.ProxyPath, "insights"), (Keys.ProxyTokenAuth, token)));
            Assert.That(e.Key, Is.EqualTo(Keys.ProxyTokenAuth));
            Assert.That(e.Value, Is.Null);
            Assert.That(e.ToString(), Does.Not.Contain("0123456789abcdef"));
        }

        [Test]
        public void The_token_shows_in_no_public_member_or_text_of_the_settings()
        {
            MatomoSettings s = TestSettings.Basic((Keys.ProxyPath, "insights"), (Keys.ProxyTokenAuth, Token));
            Assert.That(s.Proxy.ToString(), Does.Not.Contain(Token));
            foreach (object o in new object[] { s, s.Proxy })
                foreach (var p in o.GetType().GetProperties().Where(p => p.GetMethod.IsPublic && p.GetIndexParameters().Length == 0))
                    Assert.That(Convert.ToString(p.GetValue(o)), Does.Not.Contain(Token), p.Name);
        }

        [Test]
        public void A_typo_of_the_token_key_is_named_without_its_value()
        {
            var e = Assert.Throws<MatomoConfigurationException>(() => TestSettings.Basic((Keys.ProxyPath, "insights"), ("matomo:ProxyTokenAuht", Token)));
            Assert.That(e.Message, Does.Contain(Keys.ProxyTokenAuth));
            Assert.That(e.ToString(), Does.Not.Contain(Token));
        }
    }
}

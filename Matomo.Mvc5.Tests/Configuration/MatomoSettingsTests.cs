using System;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Configuration;
using System.Linq;
using System.Net;
using Matomo.Mvc5.Addresses;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Tests.Support;
using NUnit.Framework;
using static Matomo.Mvc5.Configuration.MatomoSettings;

namespace Matomo.Mvc5.Tests.Configuration
{
    /// <summary><see cref="MatomoSettings"/> from appSettings: each key's form, defaults, empty values.</summary>
    public class MatomoSettingsTests
    {
        private static MatomoConfigurationException Invalid(string key, string value, params (string, string)[] more)
        {
            var pairs = new[] { (Keys.DomainPath, "example.com"), (Keys.SiteId, "1") }.Where(p => p.Item1 != key)
                .Concat(more).Concat(new[] { (key, value) }).ToArray();
            var e = Assert.Throws<MatomoConfigurationException>(() => TestSettings.Create(pairs));
            Assert.That(e, Is.InstanceOf<ConfigurationErrorsException>());
            Assert.That(e.Key, Is.EqualTo(key));
            Assert.That(e.Value, Is.EqualTo(value));
            Assert.That(e.Message, Does.Contain(key).And.Contain("'" + value + "'").And.Contain("expected"));
            return e;
        }

        [TestCase("http://matomo.example.com")]
        [TestCase("https://example.com/matomo")]
        [TestCase("matomo.example.com/")]
        [TestCase("example.com:")]
        [TestCase("example.com:123:456")]
        [TestCase("example.com:12df")]
        [TestCase("example.com:/matomo")]
        [TestCase("example.com:0")]
        [TestCase("example.com:65536")]
        [TestCase("example.com/a//b")]
        [TestCase("exa mple.com")]
        [TestCase("example.com/<script>")]
        [TestCase("example.com/a\"b")]
        [TestCase("-example.com")]
        [TestCase("//example.com")]
        [TestCase("example.com/..")]
        [TestCase("example.com/.")]
        [TestCase("example.com/./x")]
        [TestCase("example.com/matomo/../admin")]
        [TestCase("example.com:8080/..")]
        [TestCase("[.]")]
        [TestCase("[:::::]")]
        [TestCase("[10.0.0.1]")]
        [TestCase("[::ffff:10.0.0.01]")]
        [TestCase("[]")]
        [TestCase("[2001:db8::1]:0")]
        [TestCase("[2001:db8::1]:99999")]
        [TestCase("[2001:db8::1")]
        public void Invalid_domain_paths_are_refused_naming_key_value_and_form(string value)
        {
            StringAssert.Contains("such as matomo.example.com", Invalid(Keys.DomainPath, value).Message);
        }

        [TestCase("matomo.example.com")]
        [TestCase("www.example.com/matomo")]
        [TestCase("example.com:1234/matomo")]
        [TestCase("example.com:65535")]
        [TestCase("localhost")]
        [TestCase("192.0.2.1/matomo/sub")]
        [TestCase("[::1]:8080")]
        [TestCase("[2001:db8::1]:8443/m")]
        [TestCase("[2001:db8::1]")]
        [TestCase("[::ffff:192.0.2.1]/matomo")]
        [TestCase("example.com/.well-known/m")]
        [TestCase("example.com/a..b/...")]
        public void Valid_domain_paths_are_accepted(string value)
        {
            Assert.That(TestSettings.Create((Keys.DomainPath, value), (Keys.SiteId, "1")).DomainPath, Is.EqualTo(value));
        }

        [TestCase("example.com/..")]
        [TestCase("example.com/./x")]
        [TestCase("[.]")]
        [TestCase("[:::::]")]
        public void Additional_trackers_refuse_what_the_domain_path_refuses(string domainPath)
        {
            Invalid(Keys.AdditionalTrackers, "7, " + domainPath + "|3");
        }

        [TestCase("abc")]
        [TestCase("0")]
        [TestCase("-4")]
        [TestCase("4.5")]
        [TestCase("99999999999")]
        [TestCase("+4")]
        [TestCase("4\0")]
        [TestCase("٤")]
        public void Invalid_site_ids_are_refused(string value) => Invalid(Keys.SiteId, value);

        /// <summary>Each flag's key and the property it sets.</summary>
        private static readonly Dictionary<string, Func<MatomoSettings, bool>> Flags = new Dictionary<string, Func<MatomoSettings, bool>>
        {
            [Keys.DisableCookies] = s => s.DisableCookies,
            [Keys.AutoIdentify] = s => s.AutoIdentify,
            [Keys.RespectDoNotTrack] = s => s.RespectDoNotTrack,
            [Keys.EnableLinkTracking] = s => s.EnableLinkTracking,
            [Keys.UseHttps] = s => s.UseHttps,
        };

        [TestCase(Keys.DisableCookies)]
        [TestCase(Keys.AutoIdentify)]
        [TestCase(Keys.RespectDoNotTrack)]
        [TestCase(Keys.EnableLinkTracking)]
        [TestCase(Keys.UseHttps)]
        public void Flags_take_true_or_false_only_in_any_letter_case(string key)
        {
            StringAssert.Contains("true or false", Invalid(key, "yes").Message);
            Invalid(key, "1");
            Invalid(key, "0");
            Invalid(key, "on");
            Func<MatomoSettings, bool> flag = Flags[key];
            foreach (string yes in new[] { "TRUE", "true", "True", " tRuE " })
                Assert.That(flag(TestSettings.Create((key, yes))), Is.True, yes);
            foreach (string no in new[] { "False", "false", "FALSE", "\tfalse " })
                Assert.That(flag(TestSettings.Create((key, no))), Is.False, no);
        }

        [TestCase(Keys.InternalIps, "10.0.0.0/33")]
        [TestCase(Keys.InternalIps, "10.0.0/8")]
        [TestCase(Keys.InternalIps, "localhost")]
        [TestCase(Keys.AnalyticalInternalIps, "2001:db8::/129")]
        [TestCase(Keys.TrustedProxies, "10.0.0.0/")]
        [TestCase(Keys.TrustedProxies, "fe80::1%eth0")]
        [TestCase(Keys.InternalIps, "::/0\0")]
        [TestCase(Keys.InternalIps, "10.0.0.0/8\0")]
        public void Bad_ip_lists_are_refused_naming_the_bad_entry(string key, string value)
        {
            MatomoConfigurationException e = Invalid(key, value);
            StringAssert.Contains("CIDR", e.Message);
        }

        [Test]
        public void Defaults()
        {
            MatomoSettings s = TestSettings.Create();
            Assert.That(s.IsEnabled, Is.False);
            Assert.That(s.DisableCookies, Is.False);
            Assert.That(s.AutoIdentify, Is.True);
            Assert.That(s.EnableLinkTracking, Is.True);
            Assert.That(s.UseHttps, Is.False);
            Assert.That(s.RespectDoNotTrack, Is.False);
            Assert.That(s.HeartBeatSeconds, Is.EqualTo(0));
            Assert.That(s.RequireConsent, Is.EqualTo(MatomoConsentMode.None));
            Assert.That(s.TrackerPath, Is.EqualTo("matomo.php"));
            Assert.That(s.ScriptPath, Is.EqualTo("matomo.js"));
            Assert.That(s.InternalIps.RangeCount, Is.EqualTo(0));
            Assert.That(s.AdditionalTrackers, Is.Empty);
            foreach (string trusted in new[] { "127.0.0.1", "127.9.9.9", "::1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.0.1", "fd00::1", "fe80::1" })
                Assert.That(s.TrustedProxies.Contains(IPAddress.Parse(trusted)), Is.True, trusted);
            foreach (string untrusted in new[] { "8.8.8.8", "172.32.0.1", "192.0.2.1", "2001:db8::1", "::2" })
                Assert.That(s.TrustedProxies.Contains(IPAddress.Parse(untrusted)), Is.False, untrusted);
        }

        [Test]
        public void Empty_values_mean_unset_as_web_config_transform_leaves_them()
        {
            var all = Keys.All.Select(k => (k, "  ")).ToArray();
            MatomoSettings s = TestSettings.Create(all);
            Assert.That(s.IsEnabled, Is.False);
            Assert.That(s.AutoIdentify, Is.True);
            Assert.That(s.TrustedProxies.Contains(IPAddress.Loopback), Is.True);
        }

        [Test]
        public void Matomo_internal_ips_win_over_analytical_ones()
        {
            MatomoSettings both = TestSettings.Create((Keys.InternalIps, "10.0.0.0/8"), (Keys.AnalyticalInternalIps, "192.168.0.0/16"));
            Assert.That(both.InternalIps.Contains(IPAddress.Parse("10.1.1.1")), Is.True);
            Assert.That(both.InternalIps.Contains(IPAddress.Parse("192.168.1.1")), Is.False);
            MatomoSettings fallback = TestSettings.Create((Keys.AnalyticalInternalIps, "192.168.0.0/16"));
            Assert.That(fallback.InternalIps.Contains(IPAddress.Parse("192.168.1.1")), Is.True);
        }

        [TestCase(Keys.RequireConsent, "always")]
        [TestCase(Keys.HeartBeatSeconds, "-1")]
        [TestCase(Keys.HeartBeatSeconds, "ten")]
        [TestCase(Keys.HeartBeatSeconds, "86401")]
        [TestCase(Keys.HeartBeatSeconds, "15\0")]
        [TestCase(Keys.AdditionalTrackers, "7\0")]
        [TestCase(Keys.TrackerPath, "/matomo.php")]
        [TestCase(Keys.TrackerPath, "https://x/matomo.php")]
        [TestCase(Keys.TrackerPath, "../matomo.php")]
        [TestCase(Keys.TrackerPath, "matomo.php?x=1")]
        [TestCase(Keys.ScriptPath, "js//m.js")]
        [TestCase(Keys.ScriptPath, "js/\"m.js")]
        [TestCase(Keys.ContainerId, "abc")]
        [TestCase(Keys.ContainerId, "abcd-1234")]
        [TestCase(Keys.AdditionalTrackers, "x")]
        [TestCase(Keys.AdditionalTrackers, "7, example.com/|3")]
        [TestCase(Keys.AdditionalTrackers, "0")]
        [TestCase(Keys.ForwardedHeader, "X-Real-IP")]
        public void Feature_keys_are_validated(string key, string value) => Invalid(key, value);

        /// <summary>Found by Hostile/ConfigurationProperties: Uri.TryCreate takes these, then AbsoluteUri threw
        /// UriFormatException, so the site failed with another exception than the one naming the key.</summary>
        [TestCase("http://matomo.internal/m/%9\uDBFF\uDFFF")]
        [TestCase("https://matomo.internal:8080/%9\uD83D\uDE00/x")]
        public void A_proxy_upstream_that_is_no_usable_URL_is_refused_naming_the_key(string value)
        {
            var e = Assert.Throws<MatomoConfigurationException>(() => TestSettings.Basic((Keys.ProxyPath, "insights"), (Keys.ProxyUpstream, value)));
            Assert.That(e.Key, Is.EqualTo(Keys.ProxyUpstream));
            Assert.That(e.Message, Does.Contain(Keys.ProxyUpstream).And.Contain("expected"));
        }

        [Test]
        public void Feature_keys_are_parsed()
        {
            MatomoSettings s = TestSettings.Basic((Keys.RequireConsent, "tracking"), (Keys.HeartBeatSeconds, "30"),
                (Keys.ContainerId, "aBcD1234"), (Keys.AdditionalTrackers, "7 other.example.com:8443/m|9"),
                (Keys.ForwardedHeader, "Forwarded"), (Keys.NonceItemKey, "csp-nonce"), (Keys.TrackerPath, "js/tracker.php"));
            Assert.That(s.RequireConsent, Is.EqualTo(MatomoConsentMode.Tracking));
            Assert.That(s.HeartBeatSeconds, Is.EqualTo(30));
            Assert.That(s.ContainerId, Is.EqualTo("aBcD1234"));
            Assert.That(s.AdditionalTrackers.Select(t => (t.DomainPath, t.SiteId)), Is.EqualTo(new[] { ((string)null, 7), ("other.example.com:8443/m", 9) }));
            Assert.That(s.ForwardedHeader, Is.EqualTo(ForwardedHeaderKind.Forwarded));
            Assert.That(s.NonceItemKey, Is.EqualTo("csp-nonce"));
            Assert.That(s.TrackerPath, Is.EqualTo("js/tracker.php"));
        }
    }
}

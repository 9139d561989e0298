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
    /// <summary><see cref="SettingKeySpelling"/>: a likely typo of one of our keys is refused naming the key meant; the site's own keys are left alone.</summary>
    public class SettingKeySpellingTests
    {
        [TestCase("matomo:DomianPath", Keys.DomainPath)]
        [TestCase("matomo:Domain", Keys.DomainPath)]
        [TestCase("matomo:Site_Id", Keys.SiteId)]
        [TestCase("matomo:DisableCookie", Keys.DisableCookies)]
        [TestCase("MATOMO:heartbeatsecond", Keys.HeartBeatSeconds)]
        [TestCase("matomo:ContainerID ", Keys.ContainerId)]
        public void Likely_typos_of_matomo_keys_are_refused_naming_the_key_meant(string typo, string meant)
        {
            var e = Assert.Throws<MatomoConfigurationException>(() => TestSettings.Create((typo, "x")));
            Assert.That(e.Key, Is.EqualTo(typo));
            StringAssert.Contains("did you mean " + meant + "?", e.Message);
        }

        [Test]
        public void A_longer_key_that_starts_with_ours_is_the_sites_own()
        {
            MatomoSettings s = TestSettings.Basic(("matomo:SiteIdSecret", "TopSecretApiToken123"));
            Assert.That(s.SiteId, Is.EqualTo(4));
            Assert.DoesNotThrow(() => TestSettings.Basic(("matomo:DomainPathForReports", "x"), ("matomo:UseHttpsEverywhere", "x"), ("matomo:SiteIdd", "x")));
        }

        [TestCase("matomo:SiteIb", Keys.SiteId)]
        [TestCase("matomo:SiteI", Keys.SiteId)]
        [TestCase("matomo:DomianPath", Keys.DomainPath)]
        [TestCase("matomo:Sitld", Keys.SiteId)]
        public void An_unknown_key_error_says_the_key_is_unknown_names_the_key_meant_and_never_the_value(string typo, string meant)
        {
            const string secret = "TopSecretApiToken123";
            var e = Assert.Throws<MatomoConfigurationException>(() => TestSettings.Basic((typo, secret)));
            Assert.That(e.Key, Is.EqualTo(typo));
            Assert.That(e.Value, Is.Null, "the value of an unknown key is not kept");
            Assert.That(e.Message, Does.Contain("'" + typo + "'").And.Contain("is not a Matomo.Mvc5 setting").And.Contain("did you mean " + meant + "?"));
            Assert.That(e.Message, Does.Not.Contain("invalid value").And.Not.Contain("expected no such setting"));
            Assert.That(e.Message, Does.Not.Contain(secret));
            Assert.That(e.ToString(), Does.Not.Contain(secret));
            Assert.That(e.Expected, Does.Not.Contain(secret));
        }

        [Test]
        public void An_invalid_value_of_a_known_key_is_quoted_but_an_unknown_keys_value_never_is()
        {
            var known = Assert.Throws<MatomoConfigurationException>(() => TestSettings.Basic((Keys.SiteId, "Secretish99x")));
            Assert.That(known.Value, Is.EqualTo("Secretish99x"));
            var unknown = Assert.Throws<MatomoConfigurationException>(() => TestSettings.Basic(("matomo:SiteIb", "Secretish99x")));
            Assert.That(unknown.Value, Is.Null);
            Assert.That(unknown.Message + unknown, Does.Not.Contain("Secretish99x"));
        }

        [Test]
        public void Other_keys_are_left_to_the_site_and_other_libraries()
        {
            Assert.DoesNotThrow(() => TestSettings.Create(("matomo:AuthToken", "x"), ("matomo:ReportingApiUrl", "y"),
                ("matomo:SiteIdentifier", "x"), ("matomo:SiteIdSecret", "TopSecretApiToken123"), ("matomo:DomainPathForReports", "x"),
                ("analytical:SomethingElse", "x"), ("other:Key", "y"), ("matomo:", "z")));
        }

        [Test]
        public void Keys_are_case_insensitive_like_app_settings()
        {
            var c = new NameValueCollection { { "MATOMO:domainpath", "example.com" }, { "matomo:siteid", "3" } };
            Assert.That(FromAppSettings(c).SiteId, Is.EqualTo(3));
        }
    }
}

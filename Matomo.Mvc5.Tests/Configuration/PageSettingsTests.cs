using System.Linq;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Rendering;
using Matomo.Mvc5.Tests.Support;
using NUnit.Framework;
using static Matomo.Mvc5.Configuration.MatomoSettings;

namespace Matomo.Mvc5.Tests.Configuration
{
    /// <summary>
    /// The page API's site-wide settings: each key parsed and validated like the others (the message names
    /// the key and the form), and pushed where Matomo's docs put it: before the page view.
    /// </summary>
    public class PageSettingsTests
    {
        private static Snippet Render(MatomoSettings settings) => Snippet.Parse(MatomoRenderer.Render(settings, new MatomoPage()));

        /// <summary>The commands between the page's own and trackPageView: the site's settings.</summary>
        private static object[][] SiteCommands(params (string, string)[] keys)
        {
            Snippet s = Render(TestSettings.Basic(keys));
            return s.Commands.TakeWhile(c => (string)c[0] != "trackPageView").ToArray();
        }

        [Test]
        public void Unset_the_new_keys_change_nothing()
        {
            MatomoSettings s = TestSettings.Basic();
            Assert.That(s.ExcludedRoles, Is.Empty);
            Assert.That(s.ExcludedPaths, Is.Empty);
            Assert.That(s.CookieDomain, Is.Null);
            Assert.That(s.Domains, Is.Empty);
            Assert.That(s.CrossDomainLinking, Is.False);
            Assert.That(s.VisitorCookieTimeout, Is.Null);
            Assert.That(s.SecureCookie, Is.False);
            Assert.That(s.CookieSameSite, Is.Null);
            Assert.That(s.EnableJSErrorTracking, Is.False);
            Assert.That(SiteCommands(), Is.Empty);
        }

        [Test]
        public void CookieDomain_pushes_setCookieDomain()
        {
            Assert.That(TestSettings.Basic((Keys.CookieDomain, " *.example.com ")).CookieDomain, Is.EqualTo("*.example.com"));
            Assert.That(SiteCommands((Keys.CookieDomain, "*.example.com")), Is.EqualTo(new[] { new object[] { "setCookieDomain", "*.example.com" } }));
            Assert.That(TestSettings.Basic((Keys.CookieDomain, ".example.com")).CookieDomain, Is.EqualTo(".example.com"));
            Assert.That(TestSettings.Basic((Keys.CookieDomain, "shop.example.com")).CookieDomain, Is.EqualTo("shop.example.com"));
        }

        [Test]
        public void Domains_pushes_setDomains_with_an_array()
        {
            MatomoSettings s = TestSettings.Basic((Keys.Domains, "*.example.com, example.org/shop;other.example"));
            Assert.That(s.Domains, Is.EqualTo(new[] { "*.example.com", "example.org/shop", "other.example" }));
            Assert.That(Render(s).Single("setDomains"), Is.EqualTo(new object[] { new object[] { "*.example.com", "example.org/shop", "other.example" } }));
        }

        [Test]
        public void CrossDomainLinking_pushes_enableCrossDomainLinking_and_needs_the_domains()
        {
            Assert.That(SiteCommands((Keys.Domains, "example.com, example.org"), (Keys.CrossDomainLinking, "true")),
                Is.EqualTo(new[] { new object[] { "setDomains", new object[] { "example.com", "example.org" } }, new object[] { "enableCrossDomainLinking" } }));
            var e = Assert.Throws<MatomoConfigurationException>(() => TestSettings.Basic((Keys.CrossDomainLinking, "true")));
            Assert.That(e.Key, Is.EqualTo(Keys.CrossDomainLinking));
            Assert.That(e.Message, Does.Contain("matomo:Domains"));
            Assert.That(TestSettings.Basic((Keys.CrossDomainLinking, "false")).CrossDomainLinking, Is.False);
        }

        [Test]
        public void VisitorCookieTimeout_pushes_setVisitorCookieTimeout_in_seconds()
        {
            Assert.That(SiteCommands((Keys.VisitorCookieTimeout, "33955200")), Is.EqualTo(new[] { new object[] { "setVisitorCookieTimeout", 33955200 } }));
            Assert.That(TestSettings.Basic((Keys.VisitorCookieTimeout, "2147483647")).VisitorCookieTimeout, Is.EqualTo(int.MaxValue));
        }

        [Test]
        public void SecureCookie_and_CookieSameSite()
        {
            Assert.That(SiteCommands((Keys.SecureCookie, "true"), (Keys.CookieSameSite, "none")), Is.EqualTo(new[]
            {
                new object[] { "setSecureCookie", true },
                new object[] { "setCookieSameSite", "None" },
            }), "Matomo's own spelling, whatever the case in web.config");
            Assert.That(TestSettings.Basic((Keys.CookieSameSite, "STRICT")).CookieSameSite, Is.EqualTo(MatomoSameSite.Strict));
            Assert.That(SiteCommands((Keys.CookieSameSite, "Lax")), Is.EqualTo(new[] { new object[] { "setCookieSameSite", "Lax" } }));
            var e = Assert.Throws<MatomoConfigurationException>(() => TestSettings.Basic((Keys.CookieSameSite, "None")));
            Assert.That(e.Key, Is.EqualTo(Keys.CookieSameSite));
            Assert.That(e.Message, Does.Contain("matomo:SecureCookie"));
        }

        [Test]
        public void EnableJSErrorTracking_pushes_enableJSErrorTracking()
        {
            Assert.That(SiteCommands((Keys.EnableJSErrorTracking, "true")), Is.EqualTo(new[] { new object[] { "enableJSErrorTracking" } }));
            Assert.That(SiteCommands((Keys.EnableJSErrorTracking, "false")), Is.Empty);
        }

        [Test]
        public void The_site_settings_come_in_a_fixed_order_before_the_page_view()
        {
            Assert.That(SiteCommands(
                (Keys.EnableJSErrorTracking, "true"), (Keys.CookieSameSite, "Strict"), (Keys.SecureCookie, "true"), (Keys.VisitorCookieTimeout, "60"),
                (Keys.CrossDomainLinking, "true"), (Keys.Domains, "a.example"), (Keys.CookieDomain, "*.a.example"),
                (Keys.RespectDoNotTrack, "true"), (Keys.RequireConsent, "cookies"), (Keys.DisableCookies, "true")).Select(c => (string)c[0]),
                Is.EqualTo(new[]
                {
                    "disableCookies", "requireCookieConsent", "setDoNotTrack",
                    "setCookieDomain", "setDomains", "enableCrossDomainLinking", "setVisitorCookieTimeout", "setSecureCookie", "setCookieSameSite",
                    "enableJSErrorTracking",
                }));
        }

        [Test]
        public void ExcludedRoles_are_comma_separated_and_may_hold_spaces()
        {
            Assert.That(TestSettings.Basic((Keys.ExcludedRoles, "Administrators, Content Editors ,Staff")).ExcludedRoles,
                Is.EqualTo(new[] { "Administrators", "Content Editors", "Staff" }));
        }

        [Test]
        public void ExcludedPaths_are_app_relative_and_kept_without_a_trailing_slash()
        {
            Assert.That(TestSettings.Basic((Keys.ExcludedPaths, "~/admin/, ~/internal/reports ~/")).ExcludedPaths,
                Is.EqualTo(new[] { "~/admin", "~/internal/reports", "~/" }));
        }

        [TestCase(Keys.ExcludedRoles, "Admins,,Staff", "role names separated by commas")]
        [TestCase(Keys.ExcludedRoles, "Admins, \u0001", "role names separated by commas")]
        [TestCase(Keys.ExcludedPaths, "/admin", "app-relative path prefixes starting with ~/")]
        [TestCase(Keys.ExcludedPaths, "~/admin/../x", "app-relative path prefixes")]
        [TestCase(Keys.ExcludedPaths, "~/admin?x=1", "app-relative path prefixes")]
        [TestCase(Keys.ExcludedPaths, "~\\admin", "app-relative path prefixes")]
        [TestCase(Keys.ExcludedPaths, "http://example.com/admin", "app-relative path prefixes")]
        [TestCase(Keys.CookieDomain, "https://example.com", "a domain, optionally with a leading *. or .")]
        [TestCase(Keys.CookieDomain, "*.example.com/path", "a domain")]
        [TestCase(Keys.CookieDomain, "example..com", "a domain")]
        [TestCase(Keys.Domains, "example.com, https://example.org", "domains separated by commas or spaces")]
        [TestCase(Keys.Domains, "example.com/../x", "domains separated")]
        [TestCase(Keys.Domains, "ex*ample.com", "domains separated")]
        [TestCase(Keys.CrossDomainLinking, "yes", "true or false")]
        [TestCase(Keys.VisitorCookieTimeout, "0", "a whole number of seconds of 1 or more")]
        [TestCase(Keys.VisitorCookieTimeout, "13 months", "a whole number of seconds")]
        [TestCase(Keys.VisitorCookieTimeout, "-5", "a whole number of seconds")]
        [TestCase(Keys.SecureCookie, "1", "true or false")]
        [TestCase(Keys.CookieSameSite, "Relaxed", "Lax, Strict or None")]
        [TestCase(Keys.EnableJSErrorTracking, "on", "true or false")]
        public void Invalid_values_fail_naming_the_key_and_the_form(string key, string value, string form)
        {
            var e = Assert.Throws<MatomoConfigurationException>(() => TestSettings.Basic((key, value)));
            Assert.That(e.Key, Is.EqualTo(key));
            Assert.That(e.Message, Does.Contain("'" + key + "'").And.Contain(form));
            Assert.That(e.Expected, Does.Contain(form));
        }

        [TestCase("matomo:ExcludedRole", Keys.ExcludedRoles)]
        [TestCase("matomo:ExcludePaths", Keys.ExcludedPaths)]
        [TestCase("matomo:CookieDomian", Keys.CookieDomain)]
        [TestCase("matomo:SecurCookie", Keys.SecureCookie)]
        [TestCase("matomo:CookieSamesite ", Keys.CookieSameSite)]
        [TestCase("matomo:EnableJsErrorTrack", Keys.EnableJSErrorTracking)]
        [TestCase("matomo:VisitorCookieTimout", Keys.VisitorCookieTimeout)]
        public void Typos_of_the_new_keys_are_caught(string typo, string meant)
        {
            var e = Assert.Throws<MatomoConfigurationException>(() => TestSettings.Basic((typo, "x")));
            Assert.That(e.Message, Does.Contain("did you mean " + meant + "?"));
        }

        [Test]
        public void Domains_and_DomainPath_are_both_ours()
        {
            MatomoSettings s = TestSettings.Basic((Keys.Domains, "example.com"));
            Assert.That(s.DomainPath, Is.EqualTo("matomo.example.com"));
            Assert.That(s.Domains, Is.EqualTo(new[] { "example.com" }));
        }
    }
}

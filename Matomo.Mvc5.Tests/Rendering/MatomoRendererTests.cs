using System.Linq;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Rendering;
using Matomo.Mvc5.Tests.Support;
using NUnit.Framework;
using static Matomo.Mvc5.Configuration.MatomoSettings;

namespace Matomo.Mvc5.Tests.Rendering
{
    public class MatomoRendererTests
    {
        private static Snippet Render(MatomoSettings settings, MatomoPage page = null) =>
            Snippet.Parse(MatomoRenderer.Render(settings, page ?? new MatomoPage()));

        [Test]
        public void Minimal_page_pushes_matomos_recommended_commands_and_loads_the_tracker()
        {
            Snippet s = Render(TestSettings.Basic());
            Assert.That(s.Structure, Is.EqualTo(new[] { "script", "noscript" }));
            Assert.That(s.Commands, Is.EqualTo(new[]
            {
                new object[] { "trackPageView" },
                new object[] { "enableLinkTracking" },
                new object[] { "setTrackerUrl", "//matomo.example.com/matomo.php" },
                new object[] { "setSiteId", "4" },
            }));
            Assert.That(s.InsertedScripts, Is.EqualTo(new[] { ("//matomo.example.com/matomo.js", (string)null) }));
            Assert.That(s.NoscriptImageSrc, Is.EqualTo("//matomo.example.com/matomo.php?idsite=4&rec=1"));
            Assert.That(s.Script.HasAttribute("nonce"), Is.False);
        }

        [TestCase("matomo.example.com", "//matomo.example.com/")]
        [TestCase("www.example.com/matomo", "//www.example.com/matomo/")]
        [TestCase("example.com:1234/matomo", "//example.com:1234/matomo/")]
        [TestCase("example.com:1234", "//example.com:1234/")]
        [TestCase("127.0.0.1:8080/a/b", "//127.0.0.1:8080/a/b/")]
        [TestCase("[2001:db8::1]:8080/matomo", "//[2001:db8::1]:8080/matomo/")]
        public void Valid_domain_path_forms_are_used_as_given(string domainPath, string url)
        {
            Snippet s = Render(TestSettings.Create((Keys.DomainPath, domainPath), (Keys.SiteId, "7")));
            Assert.That(s.Single("setTrackerUrl"), Is.EqualTo(new[] { url + "matomo.php" }));
            Assert.That(s.InsertedScripts.Single().Src, Is.EqualTo(url + "matomo.js"));
            Assert.That(s.NoscriptImageSrc, Is.EqualTo(url + "matomo.php?idsite=7&rec=1"));
        }

        [Test]
        public void Page_commands_come_in_the_documented_order()
        {
            var page = new MatomoPage { UserId = "BDFL" };
            page.CustomVariables.Add(new CustomVariable(1, "foo", "Sir Lancelot of Camelot"));
            page.CustomVariables.Add(new CustomVariable(3, "spam", "Blue", CustomVariableScope.Visit));
            page.CustomDimensions.Add(new CustomDimension(2, "gold"));
            page.Commands.Add(new MatomoCommand("setDocumentTitle", "404/URL = /x"));
            Snippet s = Render(TestSettings.Basic((Keys.DisableCookies, "true")), page);
            Assert.That(s.Commands, Is.EqualTo(new[]
            {
                new object[] { "setCustomVariable", 1, "foo", "Sir Lancelot of Camelot", "page" },
                new object[] { "setCustomVariable", 3, "spam", "Blue", "visit" },
                new object[] { "setUserId", "BDFL" },
                new object[] { "setCustomDimension", 2, "gold" },
                new object[] { "setDocumentTitle", "404/URL = /x" },
                new object[] { "disableCookies" },
                new object[] { "trackPageView" },
                new object[] { "enableLinkTracking" },
                new object[] { "setTrackerUrl", "//matomo.example.com/matomo.php" },
                new object[] { "setSiteId", "4" },
            }));
        }

        [Test]
        public void Settings_without_domain_or_site_render_nothing()
        {
            Assert.That(MatomoRenderer.Render(TestSettings.Create((Keys.SiteId, "4")), new MatomoPage()), Is.Empty);
            Assert.That(MatomoRenderer.Render(TestSettings.Create((Keys.DomainPath, "example.com")), new MatomoPage()), Is.Empty);
            Assert.That(MatomoRenderer.Render(TestSettings.Create(), new MatomoPage()), Is.Empty);
        }

        [Test]
        public void Internal_address_comments_out_the_same_snippet()
        {
            MatomoSettings settings = TestSettings.Basic();
            var page = new MatomoPage { UserId = "x-->y", Suppression = MatomoSuppression.InternalAddress };
            Snippet s = Render(settings, page);
            Assert.That(s.Structure, Is.EqualTo(new[] { "#comment" }));
            Assert.That(s.Commands, Is.Empty, "nothing runs");
            Assert.That(s.Html, Does.StartWith(MatomoRenderer.InternalAddressComment + "\n"));
            string inner = s.Comment.Substring(s.Comment.IndexOf('\n') + 1).TrimEnd('\n');
            page.Suppression = MatomoSuppression.None;
            Assert.That(inner, Is.EqualTo(MatomoRenderer.Render(settings, page)), "the comment holds the very snippet");
            Assert.That(Snippet.Parse(inner).Single("setUserId"), Is.EqualTo(new[] { "x-->y" }));
        }

        [Test]
        public void Do_not_track_comment_says_why()
        {
            Snippet s = Render(TestSettings.Basic((Keys.RespectDoNotTrack, "true")), new MatomoPage { Suppression = MatomoSuppression.DoNotTrack });
            Assert.That(s.Structure, Is.EqualTo(new[] { "#comment" }));
            Assert.That(s.Comment, Does.Contain("Do Not Track"));
        }

        [TestCase("</script><script>alert(1)</script>")]
        [TestCase("-->")]
        [TestCase("<!--")]
        [TestCase("--!>")]
        [TestCase("\"'\\")]
        [TestCase("a\u2028b\u2029c")]
        [TestCase("nul\0here")]
        [TestCase("line\r\nbreak\ttab")]
        [TestCase("&amp; &lt;")]
        [TestCase("\uD800 lone high, lone low \uDC00, astral \uD83D\uDE00")]
        [TestCase("<script>")]
        [TestCase("]); alert(1); ([")]
        public void Hostile_strings_come_back_exactly_in_both_forms(string evil)
        {
            var page = new MatomoPage { UserId = evil };
            page.CustomVariables.Add(new CustomVariable(1, evil, evil, CustomVariableScope.Visit));
            page.CustomDimensions.Add(new CustomDimension(1, evil));
            page.Commands.Add(new MatomoCommand("trackEvent", evil, evil, 1.5, true, null));
            MatomoSettings settings = TestSettings.Basic();

            Snippet s = Render(settings, page);
            Assert.That(s.Structure, Is.EqualTo(new[] { "script", "noscript" }));
            Assert.That(s.Single("setUserId"), Is.EqualTo(new[] { evil }));
            Assert.That(s.Single("setCustomVariable"), Is.EqualTo(new object[] { 1, evil, evil, "visit" }));
            Assert.That(s.Single("setCustomDimension"), Is.EqualTo(new object[] { 1, evil }));
            Assert.That(s.Single("trackEvent"), Is.EqualTo(new object[] { evil, evil, 1.5, true, null }));
            Assert.That(s.Html.Any(c => c > '~' || c < ' ' && c != '\n'), Is.False, "the output is plain printable ASCII");

            page.Suppression = MatomoSuppression.InternalAddress;
            Snippet off = Render(settings, page);
            Assert.That(off.Structure, Is.EqualTo(new[] { "#comment" }), "nothing ends the comment early");
            Assert.That(off.Commands, Is.Empty);
        }

        [Test]
        public void Nonce_goes_on_the_script_element_and_on_the_scripts_it_inserts()
        {
            MatomoSettings settings = TestSettings.Basic((Keys.ContainerId, "aBcD1234"));
            Snippet s = Render(settings, new MatomoPage { Nonce = "r4nd\"<om>" });
            Assert.That(s.Script.GetAttribute("nonce"), Is.EqualTo("r4nd\"<om>"));
            Assert.That(s.InsertedScripts.Select(x => x.Nonce), Is.EqualTo(new[] { "r4nd\"<om>", "r4nd\"<om>" }));
        }

        [Test]
        public void Consent_modes()
        {
            Snippet tracking = Render(TestSettings.Basic((Keys.RequireConsent, "tracking")));
            Assert.That(tracking.CommandNames.TakeWhile(n => n != "trackPageView"), Does.Contain("requireConsent"));
            Assert.That(tracking.NoscriptImageSrc, Is.Null, "no consent can be asked for without JavaScript");
            Assert.That(tracking.Structure, Is.EqualTo(new[] { "script" }));
            Snippet cookies = Render(TestSettings.Basic((Keys.RequireConsent, "Cookies")));
            Assert.That(cookies.CommandNames.TakeWhile(n => n != "trackPageView"), Does.Contain("requireCookieConsent"));
            Assert.That(cookies.CommandNames, Does.Not.Contain("requireConsent"));
            Assert.That(Render(TestSettings.Basic()).CommandNames, Has.None.StartsWith("require"));
        }

        [Test]
        public void Tracker_options()
        {
            Snippet s = Render(TestSettings.Basic(
                (Keys.EnableLinkTracking, "false"), (Keys.HeartBeatSeconds, "15"), (Keys.UseHttps, "true"),
                (Keys.TrackerPath, "piwik.php"), (Keys.ScriptPath, "js/piwik.js"), (Keys.RespectDoNotTrack, "true")));
            Assert.That(s.CommandNames, Does.Not.Contain("enableLinkTracking"));
            Assert.That(s.Single("enableHeartBeatTimer"), Is.EqualTo(new object[] { 15 }));
            Assert.That(s.Single("setDoNotTrack"), Is.EqualTo(new object[] { true }));
            Assert.That(s.Single("setTrackerUrl"), Is.EqualTo(new[] { "https://matomo.example.com/piwik.php" }));
            Assert.That(s.InsertedScripts.Single().Src, Is.EqualTo("https://matomo.example.com/js/piwik.js"));
            Assert.That(s.NoscriptImageSrc, Is.EqualTo("https://matomo.example.com/piwik.php?idsite=4&rec=1"));
            Assert.That(Render(TestSettings.Basic()).CommandNames, Has.None.EqualTo("enableHeartBeatTimer").And.None.EqualTo("setDoNotTrack"));
        }

        [Test]
        public void Additional_trackers_get_the_same_page_view()
        {
            Snippet s = Render(TestSettings.Basic((Keys.AdditionalTrackers, "7, analytics.example.org/m|3")));
            Assert.That(s.Commands.Where(c => (string)c[0] == "addTracker"), Is.EqualTo(new[]
            {
                new object[] { "addTracker", "//matomo.example.com/matomo.php", "7" },
                new object[] { "addTracker", "//analytics.example.org/m/matomo.php", "3" },
            }));
        }

        [Test]
        public void Tag_manager_with_and_without_the_classic_tracker()
        {
            Snippet both = Render(TestSettings.Basic((Keys.ContainerId, "aBcD1234")));
            Assert.That(both.TagManagerEvents, Is.EqualTo(new[] { "mtm.Start" }));
            Assert.That(both.InsertedScripts.Select(x => x.Src), Is.EqualTo(new[]
                { "//matomo.example.com/matomo.js", "//matomo.example.com/js/container_aBcD1234.js" }));
            Assert.That(both.CommandNames, Does.Contain("trackPageView"));

            Snippet only = Render(TestSettings.Create((Keys.DomainPath, "matomo.example.com"), (Keys.ContainerId, "aBcD1234")));
            Assert.That(only.Structure, Is.EqualTo(new[] { "script" }));
            Assert.That(only.TagManagerEvents, Is.EqualTo(new[] { "mtm.Start" }));
            Assert.That(only.InsertedScripts.Select(x => x.Src), Is.EqualTo(new[] { "//matomo.example.com/js/container_aBcD1234.js" }));
            Assert.That(only.CommandNames, Is.Empty, "the container's own Matomo tag tracks the page view");
        }

        [Test]
        public void Rendering_twice_on_one_thread_gives_independent_results()
        {
            MatomoSettings settings = TestSettings.Basic();
            string a = MatomoRenderer.Render(settings, new MatomoPage { UserId = "a" });
            string b = MatomoRenderer.Render(settings, new MatomoPage { UserId = "b" });
            Assert.That(Snippet.Parse(a).Single("setUserId"), Is.EqualTo(new[] { "a" }));
            Assert.That(Snippet.Parse(b).Single("setUserId"), Is.EqualTo(new[] { "b" }));
        }
    }
}

using System.Linq;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Rendering;
using Matomo.Mvc5.Tests.Support;
using NUnit.Framework;
using static Matomo.Mvc5.Configuration.MatomoSettings;

namespace Matomo.Mvc5.Tests.Rendering
{
    /// <summary>With the tracker proxy on, the snippet and the noscript image point at the site's own proxy path.</summary>
    public class ProxySnippetTests
    {
        private const string Token = "0123456789abcdef0123456789abcdef";

        [Test]
        public void Script_tracker_and_image_go_through_the_proxy_and_the_page_never_names_matomo()
        {
            MatomoSettings settings = TestSettings.Create((Keys.DomainPath, "matomo.internal.example:8443/analytics"), (Keys.SiteId, "4"),
                (Keys.ProxyPath, "insights"), (Keys.ProxyTokenAuth, Token), (Keys.TrackerPath, "js/tracker.php"), (Keys.ScriptPath, "js/tracker.js"),
                (Keys.AdditionalTrackers, "7"));
            string html = MatomoRenderer.Render(settings, new MatomoPage());
            Snippet s = Snippet.Parse(html);
            Assert.That(s.InsertedScripts.Select(x => x.Src), Is.EqualTo(new[] { "/insights/matomo.js" }));
            Assert.That(s.Commands.Where(c => (string)c[0] == "setTrackerUrl").Select(c => c[1]), Is.EqualTo(new[] { "/insights/matomo.php" }));
            Assert.That(s.Commands.Where(c => (string)c[0] == "addTracker").Select(c => c[1]), Is.EqualTo(new[] { "/insights/matomo.php" }));
            Assert.That(s.NoscriptImageSrc, Is.EqualTo("/insights/matomo.php?idsite=4&rec=1"));
            Assert.That(html, Does.Not.Contain("matomo.internal").And.Not.Contain("8443").And.Not.Contain("analytics")
                .And.Not.Contain("tracker.").And.Not.Contain(Token));
        }

        [Test]
        public void Without_a_domain_path_the_proxy_alone_renders()
        {
            MatomoSettings settings = TestSettings.Create((Keys.SiteId, "4"), (Keys.ProxyPath, "stats/m"), (Keys.ProxyUpstream, "http://10.1.2.3:8080/"));
            Snippet s = Snippet.Parse(MatomoRenderer.Render(settings, new MatomoPage()));
            Assert.That(s.InsertedScripts.Select(x => x.Src), Is.EqualTo(new[] { "/stats/m/matomo.js" }));
            Assert.That(s.Html, Does.Not.Contain("10.1.2.3"));
        }

        [Test]
        public void The_tag_manager_container_loads_through_the_proxy_too()
        {
            MatomoSettings settings = TestSettings.Create((Keys.DomainPath, "matomo.internal.example"), (Keys.SiteId, "4"),
                (Keys.ContainerId, "aBcD1234"), (Keys.ProxyPath, "insights"));
            Snippet s = Snippet.Parse(MatomoRenderer.Render(settings, new MatomoPage()));
            Assert.That(s.InsertedScripts.Select(x => x.Src), Is.EqualTo(new[] { "/insights/matomo.js", "/insights/js/container_aBcD1234.js" }));
            Assert.That(s.TagManagerEvents, Is.EqualTo(new[] { "mtm.Start" }));
            Assert.That(s.Html, Does.Not.Contain("matomo.internal"));
        }

        [Test]
        public void Without_the_proxy_the_container_loads_from_matomo_as_before()
        {
            MatomoSettings settings = TestSettings.Create((Keys.DomainPath, "matomo.example.com"), (Keys.ContainerId, "aBcD1234"));
            Snippet s = Snippet.Parse(MatomoRenderer.Render(settings, new MatomoPage()));
            Assert.That(s.InsertedScripts.Select(x => x.Src), Is.EqualTo(new[] { "//matomo.example.com/js/container_aBcD1234.js" }));
        }

        [Test]
        public void A_container_alone_renders_through_the_proxy()
        {
            MatomoSettings settings = TestSettings.Create((Keys.ContainerId, "aBcD1234"), (Keys.ProxyPath, "insights"), (Keys.ProxyUpstream, "http://10.1.2.3/"));
            Snippet s = Snippet.Parse(MatomoRenderer.Render(settings, new MatomoPage()));
            Assert.That(s.InsertedScripts.Select(x => x.Src), Is.EqualTo(new[] { "/insights/js/container_aBcD1234.js" }));
            Assert.That(s.Html, Does.Not.Contain("10.1.2.3"));
        }

        [Test]
        public void Proxy_without_site_id_renders_nothing() =>
            Assert.That(MatomoRenderer.Render(TestSettings.Create((Keys.ProxyPath, "insights"), (Keys.ProxyUpstream, "http://m/")), new MatomoPage()), Is.Empty);
    }
}

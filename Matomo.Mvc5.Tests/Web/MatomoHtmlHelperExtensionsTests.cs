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

namespace Matomo.Mvc5.Tests.Web
{
    /// <summary><see cref="MatomoHtmlHelperExtensions"/>: <c>@Html.Matomo()</c> through a real HtmlHelper, and the identity it sends, against Moq'd HttpContextBase.</summary>
    public class MatomoHtmlHelperExtensionsTests : HelperRequest
    {
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
    }
}

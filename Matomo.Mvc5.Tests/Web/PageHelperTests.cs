using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Principal;
using System.Web;
using System.Web.Mvc;
using System.Web.Routing;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Rendering;
using Matomo.Mvc5.Tests.Support;
using Moq;
using NUnit.Framework;
using static Matomo.Mvc5.Configuration.MatomoSettings;

namespace Matomo.Mvc5.Tests.Web
{
    /// <summary>
    /// The page API in the System.Web/MVC layer: one page per request through HttpContext, Html.Matomo() rendering it
    /// with the ViewData entries, the user id's precedence, exclusion by path, role and attribute.
    /// </summary>
    public class PageHelperTests
    {
        private FakeHttp _http;
        private ViewDataDictionary _viewData;

        [SetUp]
        public void SetUp()
        {
            _http = new FakeHttp();
            _viewData = new ViewDataDictionary();
        }

        private Snippet Render(HttpContextBase context, MatomoSettings settings = null, string nonce = null) =>
            Snippet.Parse(MatomoHtmlHelperExtensions.Render(context, _viewData, settings ?? TestSettings.Basic(), nonce));

        [Test]
        public void One_page_per_request_reached_through_HttpContext()
        {
            HttpContextBase request = _http.Build();
            MatomoPage page = request.GetMatomoPage();
            Assert.That(page, Is.Not.Null);
            Assert.That(request.GetMatomoPage(), Is.SameAs(page), "controller, filter, child action and view share it");
            Assert.That(new HttpContextWrapper(new HttpContext(new HttpRequest("x", "http://example.com/", ""), new HttpResponse(TextWriter.Null))).GetMatomoPage(),
                Is.Not.SameAs(page), "another request has another page");
            Assert.Throws<ArgumentNullException>(() => ((HttpContextBase)null).GetMatomoPage());
        }

        [Test]
        public void Html_Matomo_renders_the_page_of_the_request_with_the_ViewData_entries()
        {
            HttpContextBase request = _http.Build();
            MatomoPage page = request.GetMatomoPage();        // in the controller
            page.SetEcommerceView("SKU-1", "Shrubbery", "Gardening", 19.99m);
            page.TrackGoal(2);
            page.SetCustomDimension(2, "typed");
            _viewData["matomo_dimensions"] = new Dictionary<int, string> { { 1, "from ViewBag" } };
            _viewData["matomo_commands"] = new[] { new object[] { "setDocumentTitle", "from ViewBag" } };
            _viewData["matomo_vars"] = new[] { Tuple.Create(1, "a", "b") };

            Snippet s = Render(request);
            Assert.That(s.Commands.Take(7), Is.EqualTo(new[]
            {
                new object[] { "setCustomVariable", 1, "a", "b", "page" },
                new object[] { "setCustomDimension", 1, "from ViewBag" },
                new object[] { "setEcommerceView", "SKU-1", "Shrubbery", "Gardening", 19.99 },
                new object[] { "setCustomDimension", 2, "typed" },
                new object[] { "setDocumentTitle", "from ViewBag" },
                new object[] { "trackPageView" },
                new object[] { "trackGoal", 2 },
            }), s.Describe());
            Assert.That(Render(request).Html, Is.EqualTo(s.Html), "rendering changes neither the page nor the ViewData");
            Assert.That(page.CustomDimensions, Is.Empty, "the ViewData entries are not copied into the request's page");
        }

        [Test]
        public void Rendering_creates_no_page_when_the_application_made_none()
        {
            Render(_http.Build());
            Assert.That(_http.Items.Values.OfType<MatomoPage>(), Is.Empty);
        }

        [Test]
        public void User_id_ViewData_identity_wins_then_SetUserId_then_the_automatic_identity()
        {
            _http.User = FakeHttp.SignedIn("automatic");
            HttpContextBase request = _http.Build();
            Assert.That(Render(request).Single("setUserId"), Is.EqualTo(new[] { "automatic" }));

            request.GetMatomoPage().SetUserId("from the controller");
            Assert.That(Render(request).Single("setUserId"), Is.EqualTo(new[] { "from the controller" }), "SetUserId wins over the automatic identity");

            _viewData["analytical_identity"] = "analytical";
            Assert.That(Render(request).Single("setUserId"), Is.EqualTo(new[] { "analytical" }));
            _viewData["matomo_identity"] = "explicit";
            Assert.That(Render(request).Single("setUserId"), Is.EqualTo(new[] { "explicit" }), "an explicit matomo_identity still wins");
            _viewData["matomo_identity"] = null;
            Assert.That(Render(request).CommandNames, Does.Not.Contain("setUserId"), "present with null: no user id");
        }

        [Test]
        public void ResetUserId_silences_the_automatic_identity()
        {
            _http.User = FakeHttp.SignedIn("still in the cookie");
            HttpContextBase request = _http.Build();
            request.GetMatomoPage().ResetUserId();
            Snippet s = Render(request);
            Assert.That(s.CommandNames, Does.Not.Contain("setUserId"));
            Assert.That(s.CommandNames.Take(4), Is.EqualTo(new[] { "resetUserId", "appendToTrackingUrl", "trackPageView", "appendToTrackingUrl" }));
        }

        [Test]
        public void The_page_nonce_serves_when_the_view_gives_none()
        {
            HttpContextBase request = _http.Build();
            request.GetMatomoPage().Nonce = "from-the-filter";
            Assert.That(Render(request).Script.GetAttribute("nonce"), Is.EqualTo("from-the-filter"));
            Assert.That(Render(request, nonce: "from-the-view").Script.GetAttribute("nonce"), Is.EqualTo("from-the-view"));
        }

        // ---- exclusion ----

        [TestCase("~/admin", "~/admin", true)]
        [TestCase("~/admin", "~/Admin/Users/Edit", true)]
        [TestCase("~/admin/", "~/ADMIN", true)]
        [TestCase("~/admin", "~/administrators", false)]
        [TestCase("~/admin", "~/", false)]
        [TestCase("~/admin", "~/shop/admin", false)]
        [TestCase("~/shop/internal, ~/admin", "~/shop/internal/x", true)]
        [TestCase("~/", "~/anything", true)]
        public void Excluded_paths_are_app_relative_prefixes_segment_by_segment(string setting, string path, bool excluded)
        {
            _http.AppRelativePath = path;
            _http.User = FakeHttp.SignedIn("Tim the Enchanter");
            string html = MatomoHtmlHelperExtensions.Render(_http.Build(), _viewData, TestSettings.Basic((Keys.ExcludedPaths, setting)), null);
            Snippet s = Snippet.Parse(html);
            if (!excluded)
            {
                Assert.That(s.Structure, Is.EqualTo(new[] { "script", "noscript" }));
                return;
            }
            Assert.That(s.Structure, Is.EqualTo(new[] { "#comment" }));
            Assert.That(html, Does.StartWith(MatomoRenderer.ExcludedComment + " (the path is under ~/"));
            Assert.That(html, Does.Contain("listed in matomo:ExcludedPaths"));
            Assert.That(html, Does.Not.Contain("Enchanter"), "never the user's name");
        }

        [Test]
        public void Excluded_roles_are_checked_with_IsInRole_and_the_comment_never_names_the_user()
        {
            MatomoSettings settings = TestSettings.Basic((Keys.ExcludedRoles, "Administrators, Content Editors"));
            var staff = new CountingPrincipal("Brave Sir Robin", "Content Editors");
            _http.User = staff;
            string html = MatomoHtmlHelperExtensions.Render(_http.Build(), _viewData, settings, null);
            Assert.That(Snippet.Parse(html).Structure, Is.EqualTo(new[] { "#comment" }));
            Assert.That(html, Does.StartWith(MatomoRenderer.ExcludedComment + " (the signed-in user is in a role listed in matomo:ExcludedRoles)\n"));
            Assert.That(html, Does.Not.Contain("Robin").And.Not.Contain("setUserId").And.Not.Contain("Content Editors"));
            Assert.That(staff.Asked, Is.EqualTo(new[] { "Administrators", "Content Editors" }));

            var customer = new CountingPrincipal("Roger the Shrubber", "Customers");
            _http.User = customer;
            Assert.That(Render(_http.Build(), settings).Single("setUserId"), Is.EqualTo(new[] { "Roger the Shrubber" }));

            var anonymous = new CountingPrincipal(null);
            _http.User = anonymous;
            Assert.That(Render(_http.Build(), settings).Structure, Is.EqualTo(new[] { "script", "noscript" }));
            Assert.That(anonymous.Asked, Is.Empty, "no role look-up for an anonymous visitor");

            _http.User = staff;
            Assert.That(Render(_http.Build()).Structure, Is.EqualTo(new[] { "script", "noscript" }), "without the setting, staff is tracked");
        }

        [Test]
        public void Internal_address_wins_over_an_excluded_role_and_the_applications_Exclude_wins_over_both()
        {
            MatomoSettings settings = TestSettings.Basic((Keys.ExcludedRoles, "Admins"), (Keys.InternalIps, "10.0.0.0/8"));
            _http.RemoteAddress = "10.0.0.7";
            _http.User = new CountingPrincipal("x", "Admins");
            HttpContextBase request = _http.Build();
            Assert.That(MatomoHtmlHelperExtensions.Render(request, _viewData, settings, null), Does.StartWith(MatomoRenderer.InternalAddressComment));
            request.GetMatomoPage().Exclude("maintenance page");
            Assert.That(MatomoHtmlHelperExtensions.Render(request, _viewData, settings, null),
                Does.StartWith(MatomoRenderer.ExcludedComment + " (maintenance page)\n"));
        }

        [Test]
        public void MatomoExclude_attribute_excludes_the_action_naming_controller_and_action()
        {
            HttpContextBase request = _http.Build();
            new MatomoExcludeAttribute().OnActionExecuting(Executing(request, "Admin", "Users", child: false));
            Assert.That(MatomoHtmlHelperExtensions.Render(request, _viewData, TestSettings.Basic(), null),
                Does.StartWith(MatomoRenderer.ExcludedComment + " ([MatomoExclude] on Admin/Users)\n"));

            HttpContextBase other = new FakeHttp().Build();
            new MatomoExcludeAttribute("back office").OnActionExecuting(Executing(other, "Admin", "Users", child: false));
            Assert.That(other.GetMatomoPage().ExclusionReason, Is.EqualTo("back office"));
        }

        [Test]
        public void MatomoExclude_on_a_child_action_leaves_the_page_alone()
        {
            HttpContextBase request = _http.Build();
            new MatomoExcludeAttribute().OnActionExecuting(Executing(request, "Admin", "Widget", child: true));
            Assert.That(Render(request).Structure, Is.EqualTo(new[] { "script", "noscript" }));
        }

        [Test]
        public void MatomoExclude_is_an_action_filter_for_controllers_and_actions()
        {
            var usage = (AttributeUsageAttribute)Attribute.GetCustomAttribute(typeof(MatomoExcludeAttribute), typeof(AttributeUsageAttribute));
            Assert.That(usage.ValidOn, Is.EqualTo(AttributeTargets.Class | AttributeTargets.Method));
            Assert.That(new MatomoExcludeAttribute(), Is.InstanceOf<IActionFilter>());
            var e = Assert.Throws<ArgumentException>(() => new MatomoExcludeAttribute(" "));
            Assert.That(e.ParamName, Is.EqualTo("reason"));
        }

        private static ActionExecutingContext Executing(HttpContextBase http, string controller, string action, bool child)
        {
            var routeData = new RouteData();
            if (child) routeData.DataTokens["ParentActionViewContext"] = new ViewContext();
            var controllerDescriptor = new Mock<ControllerDescriptor>();
            controllerDescriptor.Setup(d => d.ControllerName).Returns(controller);
            var actionDescriptor = new Mock<ActionDescriptor>();
            actionDescriptor.Setup(d => d.ActionName).Returns(action);
            actionDescriptor.Setup(d => d.ControllerDescriptor).Returns(controllerDescriptor.Object);
            var controllerContext = new ControllerContext(http, routeData, new Mock<ControllerBase>().Object);
            return new ActionExecutingContext(controllerContext, actionDescriptor.Object, new Dictionary<string, object>());
        }

        /// <summary>A signed-in (or, with a null name, anonymous) user whose role look-ups are recorded.</summary>
        private sealed class CountingPrincipal : IPrincipal
        {
            private readonly string[] _roles;

            public CountingPrincipal(string name, params string[] roles)
            {
                Identity = name == null ? new GenericIdentity("") : new GenericIdentity(name, "Forms");
                _roles = roles;
            }

            public List<string> Asked { get; } = new List<string>();

            public IIdentity Identity { get; }

            public bool IsInRole(string role)
            {
                Asked.Add(role);
                return _roles.Contains(role);
            }
        }
    }
}

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
    /// <summary><see cref="MatomoHttpContextExtensions"/>: the request's client, resolved once and shared by the module, the helper and application code.</summary>
    public class MatomoHttpContextExtensionsTests : HelperRequest
    {
        [Test]
        public void The_modules_verdict_is_used_and_resolution_happens_once_per_request()
        {
            MatomoSettings settings = TestSettings.Basic((Keys.InternalIps, "10.0.0.0/8"));
            _http.RemoteAddress = "10.1.1.1";
            HttpContextBase context = _http.Build();
            MatomoClientInfo first = MatomoHttpContextExtensions.GetClient(context, settings);
            Assert.That(first.IsInternal, Is.True);
            int reads = _http.AddressReads;
            Assert.That(reads, Is.EqualTo(1));
            _http.RemoteAddress = "203.0.113.1"; // the verdict is per request: kept in Items
            Assert.That(MatomoHttpContextExtensions.GetClient(context, settings), Is.SameAs(first));
            Assert.That(Snippet.Parse(MatomoHtmlHelperExtensions.Render(context, _viewData, settings, null)).Structure, Is.EqualTo(new[] { "#comment" }));
            Assert.That(_http.AddressReads, Is.EqualTo(reads));
            Assert.That(_http.Items.Count, Is.EqualTo(1));
        }

        [Test]
        public void Public_accessor_for_application_code()
        {
            MatomoConfiguration.Override(TestSettings.Basic((Keys.InternalIps, "10.0.0.0/8")));
            try
            {
                _http.RemoteAddress = "127.0.0.1";
                _http.Headers["X-Forwarded-For"] = "203.0.113.7:1234";
                MatomoClientInfo info = _http.Build().GetMatomoClient();
                Assert.That(info.Address.ToString(), Is.EqualTo("203.0.113.7"));
                Assert.That(info.IsInternal, Is.False);
            }
            finally
            {
                MatomoConfiguration.Override(null);
            }
        }
    }
}

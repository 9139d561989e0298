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
    /// <summary>The CSP nonce the helper puts on its script: from the argument, or from <c>matomo:NonceItemKey</c>'s HttpContext.Items entry.</summary>
    public class HtmlHelperNonceTests : HelperRequest
    {
        [Test]
        public void Nonce_from_argument_or_from_the_items_key()
        {
            MatomoSettings settings = TestSettings.Basic((Keys.NonceItemKey, "csp-nonce"));
            _http.Items["csp-nonce"] = "fromItems";
            Assert.That(Render(settings).Script.GetAttribute("nonce"), Is.EqualTo("fromItems"));
            Assert.That(Render(settings, "explicit").Script.GetAttribute("nonce"), Is.EqualTo("explicit"));
            Assert.That(Render().Script.HasAttribute("nonce"), Is.False, "no key configured");
            _http.Items.Remove("csp-nonce");
            Assert.That(Render(settings).Script.HasAttribute("nonce"), Is.False);
        }
    }
}

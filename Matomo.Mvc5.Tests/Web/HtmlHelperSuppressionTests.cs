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
    /// <summary>When the helper comments the snippet out: internal addresses (behind trusted proxies, never on a forged header), Do Not Track and Global Privacy Control.</summary>
    public class HtmlHelperSuppressionTests : HelperRequest
    {
        // django-analytical: test_render_internal_ip.
        [Test]
        public void Internal_client_gets_the_commented_out_snippet()
        {
            _http.RemoteAddress = "10.1.2.3";
            Snippet s = Render(TestSettings.Basic((Keys.InternalIps, "10.0.0.0/8")));
            Assert.That(s.Structure, Is.EqualTo(new[] { "#comment" }));
            Assert.That(s.Html, Does.StartWith("<!-- Matomo disabled on internal IP address\n").And.EndWith("\n-->"));
        }

        [Test]
        public void Internal_client_behind_a_trusted_proxy()
        {
            _http.RemoteAddress = "127.0.0.1";
            _http.Headers["X-Forwarded-For"] = "192.168.5.5";
            Assert.That(Render(TestSettings.Basic((Keys.AnalyticalInternalIps, "192.168.0.0/16"))).Structure, Is.EqualTo(new[] { "#comment" }));
        }

        [Test]
        public void Forged_forwarding_from_an_untrusted_peer_is_not_believed()
        {
            _http.RemoteAddress = "203.0.113.9";
            _http.Headers["X-Forwarded-For"] = "10.1.1.1";
            _http.Headers["Forwarded"] = "for=10.1.1.1";
            Assert.That(Render(TestSettings.Basic((Keys.InternalIps, "10.0.0.0/8"))).Structure, Is.EqualTo(new[] { "script", "noscript" }));
        }

        [Test]
        public void An_IPv6_trusted_range_does_not_let_a_direct_IPv4_client_claim_an_internal_address()
        {
            _http.RemoteAddress = "203.0.113.5";
            _http.Headers["X-Forwarded-For"] = "10.0.0.1";
            Snippet s = Render(TestSettings.Basic((Keys.TrustedProxies, "::/0"), (Keys.InternalIps, "10.0.0.0/8")));
            Assert.That(s.Structure, Is.EqualTo(new[] { "script", "noscript" }), "tracked: the forged header is not believed");
            Assert.That(s.CommandNames, Does.Contain("trackPageView"));

            // The other way: a range in the IPv4-mapped block trusts IPv4 proxies, so the header is believed.
            _http.Items.Clear();
            Assert.That(Render(TestSettings.Basic((Keys.TrustedProxies, "::ffff:0:0/96"), (Keys.InternalIps, "10.0.0.0/8"))).Structure,
                Is.EqualTo(new[] { "#comment" }));
        }

        [Test]
        public void An_empty_X_Forwarded_For_leaves_the_Forwarded_header_to_decide()
        {
            _http.RemoteAddress = "127.0.0.1";
            _http.Headers["X-Forwarded-For"] = "";
            _http.Headers["Forwarded"] = "for=192.168.5.5";
            Assert.That(Render(TestSettings.Basic((Keys.InternalIps, "192.168.0.0/16"))).Structure, Is.EqualTo(new[] { "#comment" }));
        }

        [TestCase("DNT", "1", true)]
        [TestCase("Sec-GPC", "1", true)]
        [TestCase("DNT", "0", false)]
        [TestCase("X-Other", "1", false)]
        public void Do_not_track_and_global_privacy_control(string header, string value, bool suppressed)
        {
            _http.Headers[header] = value;
            Snippet s = Render(TestSettings.Basic((Keys.RespectDoNotTrack, "true")));
            Assert.That(s.Structure, Is.EqualTo(suppressed ? new[] { "#comment" } : new[] { "script", "noscript" }));
            if (suppressed) Assert.That(s.Comment, Does.Contain("not to be tracked"));
            else Assert.That(s.Single("setDoNotTrack"), Is.EqualTo(new object[] { true }));
            Assert.That(Render().Structure, Is.EqualTo(new[] { "script", "noscript" }), "ignored unless RespectDoNotTrack");
        }
    }
}

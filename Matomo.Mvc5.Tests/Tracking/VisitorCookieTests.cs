using Matomo.Mvc5.Tracking;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Tracking
{
    /// <summary><see cref="VisitorCookie"/>: the name and value of Matomo's <c>_pk_id</c> cookie.</summary>
    public class VisitorCookieTests
    {
        // The expected hashes are what Matomo's own js/piwik.js computes: its utf8_encode, sha1 and domainFixup
        // functions (matomo-org/matomo at f09912cb70), run in node as updateDomainHash runs them:
        // sha1((configCookieDomain || domainAlias) + (configCookiePath || '/')).slice(0, 4).
        [TestCase(null, "example.com", "/", "8809")]
        [TestCase(null, "www.example.com", "/", "2a0b")]
        [TestCase("*.example.com", "www.example.com", "/", "62df")]
        [TestCase(".example.com", "shop.example.com", "/", "62df")]
        [TestCase("example.com", "www.example.com", "/", "8809")]
        [TestCase(null, "127.0.0.1", "/", "dc78")]
        [TestCase(null, "localhost", "/", "1fff")]
        [TestCase(null, "[::1]", "/", "19d2")]
        [TestCase(null, "example.com.", "/", "8809")]
        [TestCase(null, "example.com", "/shop", "066f")]
        [TestCase("*.example.com", "a.example.com", "/shop/", "03e7")]
        [TestCase(null, "xn--bcher-kva.example", "/", "c06a")]
        [TestCase(null, "EXAMPLE.com", "/", "8809")] // browsers keep host names in lower case
        [TestCase(null, "bücher.example", "/", "c06a")] // and international ones in punycode
        [TestCase(null, "example.com", null, "8809")]
        public void The_domain_hash_is_what_matomo_js_computes(string cookieDomain, string host, string path, string hash)
        {
            Assert.That(VisitorCookie.DomainHash(cookieDomain, host, path), Is.EqualTo(hash));
        }

        [Test]
        public void The_name_holds_the_site_id_and_the_hash()
        {
            Assert.That(VisitorCookie.Name(4, null, "example.com"), Is.EqualTo("_pk_id.4.8809"));
            Assert.That(VisitorCookie.Name(12, "*.example.com", "www.example.com"), Is.EqualTo("_pk_id.12.62df"));
        }

        [TestCase("5a4d3e2f1b0c9d8e.1733230000.", "5a4d3e2f1b0c9d8e", 1733230000L)]
        [TestCase("5A4D3E2F1B0C9D8E.1733230000.", "5a4d3e2f1b0c9d8e", 1733230000L)]
        [TestCase("5a4d3e2f1b0c9d8e.1600000000.3.1600001000.1600000500.", "5a4d3e2f1b0c9d8e", 1600000000L)] // Matomo 3's six fields
        [TestCase("5a4d3e2f1b0c9d8e.1600000000.3.1600001000.1600000500.1600000700", "5a4d3e2f1b0c9d8e", 1600000000L)]
        public void A_value_of_matomo_js_gives_the_visitor_id_and_the_creation_time(string value, string id, long created)
        {
            Assert.That(VisitorCookie.TryRead(value, out string visitorId, out long createdSeconds), Is.True);
            Assert.That(visitorId, Is.EqualTo(id));
            Assert.That(createdSeconds, Is.EqualTo(created));
        }

        [TestCase(null)]
        [TestCase("")]
        [TestCase("5a4d3e2f1b0c9d8e")]
        [TestCase("5a4d3e2f1b0c9d8e.")]
        [TestCase("5a4d3e2f1b0c9d8e.1733230000")]
        [TestCase("5a4d3e2f1b0c9d8e.1733230000.x")]
        [TestCase("5a4d3e2f1b0c9d8.1733230000.")]   // 15 digits
        [TestCase("5a4d3e2f1b0c9d8e0.1733230000.")] // 17
        [TestCase("5a4d3e2f1b0c9d8g.1733230000.")]
        [TestCase("5a4d3e2f1b0c9d8e.-1.")]
        [TestCase("5a4d3e2f1b0c9d8e.0.")]
        [TestCase("5a4d3e2f1b0c9d8e.17332300000000.")]
        [TestCase("5a4d3e2f1b0c9d8e.1733230000.1.2.")]
        [TestCase("5a4d3e2f1b0c9d8e.1733230000.\u0000")]
        [TestCase("5a4d3e2f1b0c9d8e%2E1733230000.")]
        public void Anything_else_is_no_visitor(string value)
        {
            Assert.That(VisitorCookie.TryRead(value, out string visitorId, out _), Is.False);
            Assert.That(visitorId, Is.Null);
        }
    }
}

using System.Collections.Generic;
using System.Collections.Specialized;
using System.Linq;
using Matomo.Mvc5.Proxy;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Proxy
{
    /// <summary>Which headers cross the proxy, each way, tested directly (TrackerProxyTests sees them end to end).</summary>
    public class ProxyHeadersTests
    {
        private static List<KeyValuePair<string, string>> Upstream(params (string Name, string Value)[] headers) =>
            headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value)).ToList();

        private static string[] Names(List<KeyValuePair<string, string>> headers) => headers.Select(h => h.Key).ToArray();

        [Test]
        public void Cache_control_headers_merge_into_one_where_the_first_was()
        {
            var result = ProxyHeaders.ForBrowser(Upstream(
                ("Access-Control-Allow-Origin", "*"), ("Cache-Control", "no-cache"), ("Pragma", "no-cache"),
                ("cache-control", "no-store, must-revalidate")), secure: false);
            Assert.That(Names(result), Is.EqualTo(new[] { "Access-Control-Allow-Origin", "Cache-Control", "Pragma" }));
            Assert.That(ProxyHeaders.Find(result, "Cache-Control"), Is.EqualTo("no-cache, no-store, must-revalidate"));
        }

        [Test]
        public void A_cache_control_without_a_valid_directive_is_not_passed_on()
        {
            var result = ProxyHeaders.ForBrowser(Upstream(("Cache-Control", "a b"), ("Expires", "0")), secure: false);
            Assert.That(Names(result), Is.EqualTo(new[] { "Expires" }));
        }

        [Test]
        public void A_cache_control_with_a_control_character_is_dropped_before_it_is_read()
        {
            var result = ProxyHeaders.ForBrowser(Upstream(("Cache-Control", "public, max-age=99999\r\nX: 1"), ("Cache-Control", "no-store")), secure: false);
            Assert.That(ProxyHeaders.Find(result, "Cache-Control"), Is.EqualTo("no-store"));
        }

        [Test]
        public void Only_the_allow_list_and_matomos_cookies_come_back()
        {
            var result = ProxyHeaders.ForBrowser(Upstream(
                ("Server", "Apache"), ("Location", "http://matomo.internal/"), ("Content-Type", "text/html"),
                ("Expires", "0"), ("Access-Control-Allow-Credentials", "true"),
                ("Set-Cookie", "SESSION=x; Path=/"), ("Set-Cookie", "_pk_ses.4.1=1; Domain=matomo.internal; Path=/; Secure")), secure: false);
            Assert.That(Names(result), Is.EqualTo(new[] { "Expires", "Access-Control-Allow-Credentials", "Set-Cookie" }));
            Assert.That(ProxyHeaders.Find(result, "Set-Cookie"), Is.EqualTo("_pk_ses.4.1=1; Path=/"));
        }

        [Test]
        public void Towards_matomo_only_the_browsers_identity_and_matomos_cookies_go()
        {
            var headers = new NameValueCollection
            {
                { "User-Agent", "UA" }, { "Accept-Language", "fr" }, { "DNT", "1" }, { "Authorization", "Basic x" },
                { "Cookie", "ASP.NET_SessionId=s; _pk_id.4.1=v; mtm_consent=1" }, { "X-Forwarded-For", "1.2.3.4" },
            };
            var result = ProxyHeaders.ForUpstream(headers);
            Assert.That(Names(result), Is.EqualTo(new[] { "User-Agent", "Accept-Language", "DNT", "Cookie" }));
            Assert.That(ProxyHeaders.Find(result, "Cookie"), Is.EqualTo("_pk_id.4.1=v; mtm_consent=1"));
        }
    }
}

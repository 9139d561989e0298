using System;
using System.Diagnostics;
using System.Linq;
using System.Text;
using Matomo.Mvc5.Proxy;
using Matomo.Mvc5.Tests.Support;
using NUnit.Framework;
using static Matomo.Mvc5.Tests.Proxy.ProxyFixture;

namespace Matomo.Mvc5.Tests.Proxy
{
    /// <summary>The engine against a real loopback upstream: what is forwarded, what comes back, what never does.</summary>
    public class TrackerProxyTests
    {
        private LoopbackUpstream _upstream;

        [SetUp]
        public void SetUp() => _upstream = new LoopbackUpstream(r => UpstreamReply.Text(200, "tracked", "text/plain"));

        [TearDown]
        public void TearDown() => _upstream.Dispose();

        [Test]
        public void Get_is_forwarded_to_the_tracker_path_with_cip_and_token_in_a_form_body()
        {
            ProxyResponse r = NewProxy(_upstream.Url).Run(Get("matomo.php", "idsite=4&rec=1&action_name=Home"));
            Assert.That(r.Status, Is.EqualTo(200));
            UpstreamRequest up = _upstream.Single();
            Assert.That(up.Method, Is.EqualTo("POST"), "the token goes in a body, never in a URL Matomo's web server logs");
            Assert.That(up.Query, Is.EqualTo("idsite=4&rec=1&action_name=Home"), "the browser's query as it came, nothing added");
            Assert.That(up.Header("Content-Type"), Does.StartWith("application/x-www-form-urlencoded"), "a body PHP reads into $_POST");
            Assert.That(up.Path, Is.EqualTo("/matomo/matomo.php"));
            Assert.That(up.Parameters["idsite"], Is.EqualTo("4"));
            Assert.That(up.Parameters["action_name"], Is.EqualTo("Home"));
            Assert.That(up.Parameters["cip"], Is.EqualTo(Client));
            Assert.That(up.Parameters["token_auth"], Is.EqualTo(Token));
        }

        [Test]
        public void Legacy_piwik_php_goes_to_the_configured_tracker_path()
        {
            NewProxy(_upstream.Url, o => o.TrackerPath = "js/tracker.php").Run(Get("piwik.php", "idsite=4&rec=1"));
            Assert.That(_upstream.Single().Path, Is.EqualTo("/matomo/js/tracker.php"));
        }

        [Test]
        public void Unknown_client_address_is_sent_as_0_0_0_0_not_left_to_the_proxy_address()
        {
            ProxyRequest request = Get("matomo.php", "idsite=4&rec=1");
            request.ClientAddress = null;
            NewProxy(_upstream.Url).Run(request);
            Assert.That(_upstream.Single().Parameters["cip"], Is.EqualTo("0.0.0.0"));
        }

        [Test]
        public void Post_form_is_forwarded_as_a_post()
        {
            ProxyResponse r = NewProxy(_upstream.Url).Run(Post("matomo.php", "", "idsite=4&rec=1&send_image=0", ("Content-Type", "application/x-www-form-urlencoded")));
            Assert.That(r.Status, Is.EqualTo(200));
            UpstreamRequest up = _upstream.Single();
            Assert.That(up.Method, Is.EqualTo("POST"));
            Assert.That(up.Body, Is.EqualTo("idsite=4&rec=1&send_image=0&cip=198.51.100.7&token_auth=s3cret-t0ken%2Fwith%2Bchars"));
            Assert.That(up.Query, Is.Empty);
            Assert.That(up.Header("Content-Type"), Does.StartWith("application/x-www-form-urlencoded"));
            Assert.That(up.Parameters["cip"], Is.EqualTo(Client));
        }

        [Test]
        public void Bulk_post_is_forwarded_with_cip_in_each_entry_and_the_token_in_the_body_only()
        {
            NewProxy(_upstream.Url).Run(Post("matomo.php", "", "{\"requests\":[\"?idsite=4&rec=1\",\"?idsite=4&rec=1&e_c=a\"]}"));
            UpstreamRequest up = _upstream.Single();
            Assert.That(up.Query, Is.Empty, "neither cip nor the token in the URL of a bulk request");
            Assert.That(up.Body, Does.Contain("&cip=" + Client + "\"").And.Contain("\"token_auth\":\"" + Token.Replace("/", "/") + "\""));
        }

        [Test]
        public void Ua_language_and_dnt_are_forwarded_and_nothing_else()
        {
            NewProxy(_upstream.Url).Run(Get("matomo.php", "idsite=4&rec=1",
                ("User-Agent", "Mozilla/5.0 Test"), ("Accept-Language", "fr-CH, fr;q=0.9"), ("DNT", "1"),
                ("Authorization", "Basic c2VjcmV0"), ("X-Forwarded-For", "203.0.113.66"), ("Referer", "https://site.example/private?x"),
                ("X-Custom", "1"), ("Origin", "https://site.example")));
            UpstreamRequest up = _upstream.Single();
            Assert.That(up.Header("User-Agent"), Is.EqualTo("Mozilla/5.0 Test"));
            Assert.That(up.Header("Accept-Language"), Is.EqualTo("fr-CH, fr;q=0.9").Or.EqualTo("fr-CH, fr; q=0.9"), "Mono's HttpClient spaces the parameter");
            Assert.That(up.Header("DNT"), Is.EqualTo("1"));
            foreach (string name in new[] { "Authorization", "X-Forwarded-For", "Referer", "X-Custom", "Origin", "Cookie", "Forwarded", "X-Real-IP" })
                Assert.That(up.Header(name), Is.Null, name);
        }

        [Test]
        public void Only_matomo_cookies_reach_matomo()
        {
            NewProxy(_upstream.Url).Run(Get("matomo.php", "idsite=4&rec=1",
                ("Cookie", "ASP.NET_SessionId=abc; .ASPXAUTH=def; _pk_id.4.1fff=visitor.1; __RequestVerificationToken=x; mtm_consent=1; _pk_ses.4.1fff=1; pk_id=no")));
            Assert.That(_upstream.Single().Header("Cookie"), Is.EqualTo("_pk_id.4.1fff=visitor.1; mtm_consent=1; _pk_ses.4.1fff=1"));
        }

        [Test]
        public void No_cookie_header_when_no_matomo_cookie()
        {
            NewProxy(_upstream.Url).Run(Get("matomo.php", "idsite=4&rec=1", ("Cookie", "ASP.NET_SessionId=abc; .ASPXAUTH=def")));
            Assert.That(_upstream.Single().Header("Cookie"), Is.Null);
        }

        [TestCase("User-Agent", "Mozilla\r\nX-Injected: 1")]
        [TestCase("User-Agent", "Mozilla\nX-Injected: 1")]
        [TestCase("Accept-Language", "fr\rX-Injected: 1")]
        [TestCase("User-Agent", "Mozilla\0X-Injected: 1")]
        [TestCase("Accept-Language", "fr\u0085X-Injected: 1")]
        public void Header_values_with_control_characters_are_dropped_not_passed_on(string name, string value)
        {
            ProxyResponse r = NewProxy(_upstream.Url).Run(Get("matomo.php", "idsite=4&rec=1", (name, value)));
            Assert.That(r.Status, Is.EqualTo(200));
            UpstreamRequest up = _upstream.Single();
            Assert.That(up.Header(name), Is.Null);
            Assert.That(up.Header("X-Injected"), Is.Null);
        }

        [Test]
        public void Injection_in_the_query_stays_inside_the_query()
        {
            NewProxy(_upstream.Url).Run(Get("matomo.php", "idsite=4&rec=1&url=x\r\nX-Injected: 1\r\n\r\nGET /evil HTTP/1.1"));
            UpstreamRequest up = _upstream.Single();
            Assert.That(up.Header("X-Injected"), Is.Null);
            Assert.That(up.Path, Is.EqualTo("/matomo/matomo.php"));
            Assert.That(up.Parameters["url"], Is.EqualTo("x\r\nX-Injected: 1\r\n\r\nGET /evil HTTP/1.1"));
            Assert.That(_upstream.Received.Count, Is.EqualTo(1));
        }

        [Test]
        public void Only_allowed_response_headers_come_back()
        {
            _upstream.Reply = r => UpstreamReply.Text(200, "ok")
                .With("Cache-Control", "no-cache").With("Access-Control-Allow-Origin", "*")
                .With("Server", "Apache/2.4 (Debian)").With("X-Powered-By", "PHP/8.2").With("X-Matomo-Debug", "host=matomo.internal")
                .With("Location", "http://matomo.internal/").With("Set-Cookie", "ASP.NET_SessionId=stolen; path=/")
                .With("Set-Cookie", "_pk_uid=abc; Domain=matomo.internal; Path=/; Secure; HttpOnly")
                .With("Content-Security-Policy", "default-src *").With("Strict-Transport-Security", "max-age=0");
            ProxyResponse resp = NewProxy(_upstream.Url).Run(Get("matomo.php", "idsite=4&rec=1"));
            string[] names = resp.Headers.Select(h => h.Key.ToLowerInvariant()).Distinct().OrderBy(n => n).ToArray();
            Assert.That(names, Is.EqualTo(new[] { "access-control-allow-origin", "cache-control", "content-type", "set-cookie", "x-content-type-options" }));
            Assert.That(resp.Headers.Where(h => h.Key == "Set-Cookie").Select(h => h.Value), Is.EqualTo(new[] { "_pk_uid=abc; Path=/; HttpOnly" }),
                "only Matomo's cookie, host-only for the site, without Secure on plain HTTP");
        }

        [Test]
        public void Secure_stays_on_matomo_cookies_over_https()
        {
            _upstream.Reply = r => UpstreamReply.Text(200, "ok").With("Set-Cookie", "_pk_uid=abc; Domain=matomo.internal; Secure");
            ProxyRequest request = Get("matomo.php", "idsite=4&rec=1");
            request.IsSecure = true;
            ProxyResponse resp = NewProxy(_upstream.Url).Run(request);
            Assert.That(resp.Header("Set-Cookie"), Is.EqualTo("_pk_uid=abc; Secure"));
        }

        [Test]
        public void Response_header_with_injection_is_dropped()
        {
            // HTTP/1.1 cannot carry CR/LF in a header value, but an obs-text byte can come; it never reaches the browser.
            _upstream.Reply = r => UpstreamReply.Text(200, "ok", "text/plain\u00ff").With("Cache-Control", "no-cache\u00ff");
            ProxyResponse resp = NewProxy(_upstream.Url).Run(Get("matomo.php", "idsite=4&rec=1"));
            Assert.That(resp.Headers.Select(h => h.Value), Has.None.Contain("\u00ff"));
            Assert.That(resp.Header("Content-Type"), Is.EqualTo("image/gif"), "an answer of no type the endpoint answers with is replaced by the GIF");
        }

        [Test]
        public void The_token_never_comes_back_in_a_body_and_the_upstream_url_is_replaced_in_text()
        {
            // Matomo's debug output echoes the request, token included, in every encoding.
            _upstream.Reply = r => UpstreamReply.Text(200, "debug: " + r.Target + " raw=" + Token + " from " + _upstream.Url.AbsoluteUri + "matomo.php");
            ProxyResponse resp = NewProxy(_upstream.Url).Run(Get("matomo.php", "idsite=4&rec=1"));
            string body = resp.BodyText();
            Assert.That(body, Does.Contain("<token>"));
            Assert.That(body, Does.Not.Contain(Token).And.Not.Contain(Uri.EscapeDataString(Token)).And.Not.Contain("s3cret"));
            Assert.That(body, Does.Not.Contain("127.0.0.1:" + _upstream.Port));
            Assert.That(body, Does.Contain("/app/insights/matomo.php"));
        }

        [Test]
        public void Upstream_4xx_passes_through_scrubbed()
        {
            _upstream.Reply = r => UpstreamReply.Text(400, "token_auth " + Token + " is not valid");
            ProxyResponse resp = NewProxy(_upstream.Url).Run(Get("matomo.php", "idsite=4&rec=1&send_image=0"));
            Assert.That(resp.Status, Is.EqualTo(400));
            Assert.That(resp.BodyText(), Is.EqualTo("token_auth <token> is not valid"));
        }

        [TestCase("", TestName = "Empty sub-path")]
        [TestCase("index.php", TestName = "Matomo's UI")]
        [TestCase("index.php?module=API&method=UsersManager.getTokenAuth", TestName = "The API")]
        [TestCase("../index.php", TestName = "Dot-dot")]
        [TestCase("..%2Findex.php", TestName = "Encoded slash after dot-dot")]
        [TestCase("%2e%2e/index.php", TestName = "Encoded dots")]
        [TestCase("matomo.php/../index.php", TestName = "Dot-dot after the endpoint")]
        [TestCase("matomo.php%2F..%2Findex.php", TestName = "Encoded slashes after the endpoint")]
        [TestCase("..\\index.php", TestName = "Backslash")]
        [TestCase("/matomo.php", TestName = "Double slash")]
        [TestCase("//evil.example/matomo.php", TestName = "Protocol-relative URL")]
        [TestCase("http://evil.example/matomo.php", TestName = "Absolute URL")]
        [TestCase("matomo.php/", TestName = "Trailing slash")]
        [TestCase("matomo.php/extra", TestName = "Path info")]
        [TestCase("MATOMO.PHP", TestName = "Other case")]
        [TestCase("matomo.php%00", TestName = "Encoded NUL")]
        [TestCase("matomo.php.", TestName = "Trailing dot")]
        [TestCase("config/config.ini.php", TestName = "Matomo's config")]
        [TestCase("plugins/CoreAdminHome/javascripts/optOut.js", TestName = "Other scripts")]
        [TestCase("js/container_aBcD1234.js", TestName = "Tag Manager containers are not proxied")]
        public void Nothing_but_the_endpoints_is_reachable(string subPath)
        {
            ProxyResponse r = NewProxy(_upstream.Url).Run(Get(subPath, "idsite=4&rec=1"));
            Assert.That(r.Status, Is.EqualTo(404));
            Assert.That(_upstream.Received, Is.Empty, "nothing reached the upstream");
        }

        [TestCase("PUT")]
        [TestCase("DELETE")]
        [TestCase("OPTIONS")]
        [TestCase("TRACE")]
        [TestCase("CONNECT")]
        public void Other_methods_are_refused(string method)
        {
            ProxyRequest request = Get("matomo.php", "idsite=4&rec=1");
            request.Method = method;
            ProxyResponse r = NewProxy(_upstream.Url).Run(request);
            Assert.That(r.Status, Is.EqualTo(405));
            Assert.That(r.Header("Allow"), Is.EqualTo("GET, POST"));
            Assert.That(_upstream.Received, Is.Empty);
        }

        [Test]
        public void Declared_oversized_body_is_refused_before_reading()
        {
            ProxyRequest request = Post("matomo.php", "", "idsite=4");
            request.ContentLength = 2 * 1024 * 1024;
            Assert.That(NewProxy(_upstream.Url).Run(request).Status, Is.EqualTo(413));
            Assert.That(_upstream.Received, Is.Empty);
        }

        [Test]
        public void Undeclared_oversized_body_is_refused_at_the_cap([Values(false, true)] bool bulk)
        {
            string body = bulk
                ? "{\"requests\":[" + string.Join(",", Enumerable.Repeat("\"?idsite=4&rec=1&action_name=" + new string('x', 1000) + "\"", 2000)) + "]}"
                : "idsite=4&rec=1&action_name=" + new string('x', 2 * 1024 * 1024);
            ProxyRequest request = Post("matomo.php", "", body);
            request.ContentLength = -1; // chunked
            Assert.That(NewProxy(_upstream.Url).Run(request).Status, Is.EqualTo(413));
            Assert.That(_upstream.Received, Is.Empty);
        }

        [Test]
        public void Body_at_the_cap_passes()
        {
            string body = "idsite=4&rec=1&x=" + new string('x', 1000);
            ProxyResponse r = NewProxy(_upstream.Url, o => o.MaxRequestBodyBytes = Encoding.UTF8.GetByteCount(body)).Run(Post("matomo.php", "", body));
            Assert.That(r.Status, Is.EqualTo(200));
            Assert.That(_upstream.Single().Body, Is.EqualTo(body + "&cip=198.51.100.7&token_auth=s3cret-t0ken%2Fwith%2Bchars"));
        }

        [Test]
        public void Answers_of_undeclared_length_and_of_none_are_passed_on_whole([Values(0, 43, 2500)] int length, [Values] bool chunked)
        {
            byte[] body = Enumerable.Range(0, length).Select(i => (byte)('a' + i % 26)).ToArray();
            _upstream.Reply = r => new UpstreamReply { Body = body, Chunked = chunked }.With("Content-Type", "text/plain");
            ProxyResponse r = NewProxy(_upstream.Url).Run(Get("matomo.php", "idsite=4&rec=1&send_image=0"));
            Assert.That(r.Status, Is.EqualTo(200));
            Assert.That(r.Body ?? new byte[0], Is.EqualTo(body));
        }

        [Test]
        public void Oversized_upstream_answer_is_not_passed_on_even_chunked()
        {
            _upstream.Reply = r => new UpstreamReply { Body = new byte[300 * 1024], Chunked = true }.With("Content-Type", "text/plain");
            ProxyResponse r = NewProxy(_upstream.Url).Run(Get("matomo.php", "idsite=4&rec=1&send_image=0"));
            Assert.That(r.Status, Is.EqualTo(204));
        }

        [Test]
        public void Oversized_upstream_answer_is_not_passed_on()
        {
            _upstream.Reply = r => new UpstreamReply { Body = new byte[300 * 1024] }.With("Content-Type", "text/plain");
            ProxyResponse r = NewProxy(_upstream.Url).Run(Get("matomo.php", "idsite=4&rec=1&send_image=0"));
            Assert.That(r.Status, Is.EqualTo(204));
        }
            // ---- the types a tracking answer may have ----

        [TestCase("text/html; charset=utf-8", "idsite=4&rec=1", 200, "image/gif", TestName = "An HTML answer to an image request is replaced by the GIF")]
        [TestCase("text/html", "idsite=4&rec=1&send_image=0", 204, null, TestName = "An HTML answer to a beacon is replaced by 204")]
        [TestCase("application/javascript", "idsite=4&rec=1&send_image=0", 204, null, TestName = "A script answer is not served")]
        [TestCase("image/svg+xml", "idsite=4&rec=1", 200, "image/gif", TestName = "An SVG answer is not served")]
        [TestCase("application/json", "idsite=4&rec=1&send_image=0", 204, null, TestName = "JSON is no answer to a single request")]
        [TestCase(null, "idsite=4&rec=1&send_image=0", 204, null, TestName = "An answer without a type is not served")]
        public void Answers_of_other_types_never_reach_the_browser(string type, string query, int status, string servedType)
        {
            const string markup = "<html><script>alert(document.cookie)</script></html>";
            _upstream.Reply = r => type == null
                ? new UpstreamReply { Body = Encoding.UTF8.GetBytes(markup) }
                : UpstreamReply.Text(200, markup, type);
            ProxyResponse resp = NewProxy(_upstream.Url).Run(Get("matomo.php", query));
            Assert.That(resp.Status, Is.EqualTo(status));
            Assert.That(resp.BodyText(), Does.Not.Contain("script"));
            Assert.That(resp.Header("Content-Type"), Is.EqualTo(servedType));
        }

        [TestCase("image/gif", "idsite=4&rec=1", "image/gif")]
        [TestCase("IMAGE/GIF; x=1", "idsite=4&rec=1", "image/gif")]
        [TestCase("text/plain; charset=iso-8859-1", "idsite=4&rec=1&send_image=0", "text/plain; charset=utf-8")]
        public void Answers_of_the_tracking_types_are_served_with_the_proxys_own_type(string type, string query, string served)
        {
            _upstream.Reply = r => UpstreamReply.Text(200, "GIF89a", type);
            ProxyResponse resp = NewProxy(_upstream.Url).Run(Get("matomo.php", query));
            Assert.That(resp.Status, Is.EqualTo(200));
            Assert.That(resp.BodyText(), Is.EqualTo("GIF89a"));
            Assert.That(resp.Header("Content-Type"), Is.EqualTo(served));
            Assert.That(resp.Header("X-Content-Type-Options"), Is.EqualTo("nosniff"));
        }

        [Test]
        public void A_bulk_request_gets_matomos_JSON_sent_as_JSON()
        {
            _upstream.Reply = r => UpstreamReply.Text(200, "{\"status\":\"success\",\"tracked\":1,\"invalid\":0}", "application/json");
            ProxyResponse resp = NewProxy(_upstream.Url).Run(Post("matomo.php", "", "{\"requests\":[\"?idsite=4&rec=1\"]}"));
            Assert.That(resp.Status, Is.EqualTo(200));
            Assert.That(resp.Header("Content-Type"), Is.EqualTo("application/json; charset=utf-8"));
            Assert.That(resp.BodyText(), Is.EqualTo("{\"status\":\"success\",\"tracked\":1,\"invalid\":0}"));
            Assert.That(_upstream.Single().Header("Content-Type"), Does.StartWith("application/json"), "sent as JSON, never parsed by PHP into $_POST");
        }
    }
}

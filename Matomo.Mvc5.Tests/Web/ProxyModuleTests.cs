using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using System.Web;
using System.Web.Hosting;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Proxy;
using Matomo.Mvc5.Tests.Delivery;
using Matomo.Mvc5.Tests.Support;
using Moq;
using NUnit.Framework;
using static Matomo.Mvc5.Configuration.MatomoSettings;

namespace Matomo.Mvc5.Tests.Web
{
    /// <summary>MatomoModule hands requests under the proxy path to the proxy handler; the handler writes real System.Web responses.</summary>
    public class ProxyModuleTests
    {
        private const string Token = "0123456789abcdef0123456789abcdef";

        [TearDown]
        public void TearDown() => MatomoConfiguration.Override(null);

        private static IHttpHandler Remapped(string path, MatomoSettings settings)
        {
            MatomoConfiguration.Override(settings);
            IHttpHandler remapped = null;
            var request = new Mock<HttpRequestBase>();
            request.Setup(r => r.Path).Returns(path);
            var context = new Mock<HttpContextBase>();
            context.Setup(c => c.Request).Returns(request.Object);
            context.Setup(c => c.RemapHandler(It.IsAny<IHttpHandler>())).Callback<IHttpHandler>(h => remapped = h);
            MatomoModule.OnPostResolveRequestCache(context.Object);
            return remapped;
        }

        private static MatomoSettings WithProxy() => TestSettings.Basic((Keys.ProxyPath, "insights"), (Keys.ProxyUpstream, "http://127.0.0.1:9/"));

        [TestCase("/insights/matomo.php")]
        [TestCase("/insights/matomo.js")]
        [TestCase("/Insights/anything-else")]
        [TestCase("/insights/")]
        [TestCase("/insights")]
        public void Requests_under_the_proxy_path_are_remapped_to_the_proxy(string path) =>
            Assert.That(Remapped(path, WithProxy()), Is.InstanceOf<TrackerProxyHandler>());

        [TestCase("/")]
        [TestCase("/home/index")]
        [TestCase("/insightsx/matomo.php")]
        [TestCase("/other/insights/matomo.php")]
        public void Other_requests_are_left_alone(string path) => Assert.That(Remapped(path, WithProxy()), Is.Null);

        [Test]
        public void Without_the_proxy_nothing_is_remapped() => Assert.That(Remapped("/insights/matomo.php", TestSettings.Basic()), Is.Null);

        [Test]
        public void One_proxy_engine_per_settings()
        {
            MatomoSettings s = WithProxy();
            Assert.That(TrackerProxy.For(s), Is.SameAs(TrackerProxy.For(s)));
            Assert.That(TrackerProxy.For(WithProxy()), Is.Not.SameAs(TrackerProxy.For(s)));
        }

        /// <summary>A worker request that records what System.Web writes.</summary>
        private sealed class RecordingWorkerRequest : SimpleWorkerRequest
        {
            private readonly string _method;
            private readonly string[][] _headers;
            public RecordingWorkerRequest(string page, string query, string method, params (string, string)[] headers)
                : base("/", Path.GetTempPath(), page, query, TextWriter.Null)
            {
                _method = method;
                _headers = headers.Select(h => new[] { h.Item1, h.Item2 }).ToArray();
            }
            public int Status;
            public readonly List<KeyValuePair<string, string>> Headers = new List<KeyValuePair<string, string>>();
            public readonly MemoryStream Body = new MemoryStream();
            public byte[] RequestBody = new byte[0];
            public override string GetHttpVerbName() => _method;
            public override byte[] GetPreloadedEntityBody() => RequestBody;
            public override int GetPreloadedEntityBodyLength() => RequestBody.Length;
            public override bool IsEntireEntityBodyIsPreloaded() => true;
            public override int ReadEntityBody(byte[] buffer, int size) => 0;
            public override string GetRemoteAddress() => "127.0.0.1";
            public override string[][] GetUnknownRequestHeaders() => _headers;
            public override string GetKnownRequestHeader(int index)
            {
                string name = GetKnownRequestHeaderName(index);
                return _headers.Where(h => h[0].Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h[1]).FirstOrDefault();
            }
            public override void SendStatus(int statusCode, string statusDescription) => Status = statusCode;
            public override void SendKnownResponseHeader(int index, string value) =>
                Headers.Add(new KeyValuePair<string, string>(GetKnownResponseHeaderName(index), value));
            public override void SendUnknownResponseHeader(string name, string value) => Headers.Add(new KeyValuePair<string, string>(name, value));
            public override void SendResponseFromMemory(byte[] data, int length) => Body.Write(data, 0, length);
            public string Header(string name) => Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();
        }

        private RecordingWorkerRequest Serve(MatomoSettings settings, string subPath, string query, params (string, string)[] headers) =>
            Serve(settings, subPath, query, null, headers);

        private RecordingWorkerRequest Serve(MatomoSettings settings, string subPath, string query, string body, params (string, string)[] headers)
        {
            if (body != null) headers = headers.Concat(new[] { ("Content-Length", Encoding.UTF8.GetByteCount(body).ToString()), ("Content-Type", "application/x-www-form-urlencoded") }).ToArray();
            var worker = new RecordingWorkerRequest("insights/" + subPath, query, body == null ? "GET" : "POST", headers);
            if (body != null) worker.RequestBody = Encoding.UTF8.GetBytes(body);
            var context = new HttpContext(worker);
            var handler = viaModule ? (TrackerProxyHandler)Remapped("/insights/" + subPath, settings) : new TrackerProxyHandler(TrackerProxy.For(settings), settings, subPath);
            Task.Run(() => handler.ProcessRequestAsync(context)).GetAwaiter().GetResult();
            context.Response.Flush();
            return worker;
        }

        private bool viaModule;

        /// <summary>Settings with the proxy in front of <paramref name="proxyUpstream"/> and the outbox delivering to <paramref name="matomo"/>.</summary>
        private static MatomoSettings Delivering(string proxyUpstream, MatomoLikeUpstream matomo, TempFolder folder, params (string, string)[] more) =>
            TestSettings.Basic(new[]
            {
                (Keys.ProxyPath, "insights"), (Keys.ProxyUpstream, proxyUpstream), (Keys.ProxyTokenAuth, Token),
                (Keys.DeliveryUpstream, new Uri(matomo.Endpoint, "/").AbsoluteUri), (Keys.DeliveryFolder, folder.Path),
            }.Concat(more).ToArray());

        [Test]
        public void Through_the_module_a_queued_hit_is_answered_at_once_and_delivered_by_the_outbox()
        {
            using (var matomo = new MatomoLikeUpstream())
            using (var folder = new TempFolder())
            {
                viaModule = true;
                try
                {
                    // Matomo's proxy upstream refuses connections: queued, it is never asked (the script's fetch aside).
                    MatomoSettings settings = Delivering("http://127.0.0.1:9/", matomo, folder);
                    long before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                    RecordingWorkerRequest w = Serve(settings, "matomo.php", "idsite=4&rec=1&action_name=Home&cdt=946684800",
                        ("X-Forwarded-For", "203.0.113.9"), ("User-Agent", "UA/1"));
                    Assert.That(w.Status, Is.EqualTo(200));
                    Assert.That(w.Header("Content-Type"), Does.StartWith("image/gif"));
                    Assert.That(Wait.Until(() => matomo.TrackedHits().Count == 1, TimeSpan.FromSeconds(20)), Is.True, "delivered by the outbox");
                    var hit = matomo.TrackedHits().Single();
                    Assert.That(hit["action_name"], Is.EqualTo("Home"));
                    Assert.That(hit["cip"], Is.EqualTo("203.0.113.9"), "the client a trusted proxy (127.0.0.1) forwarded");
                    Assert.That(hit["ua"], Is.EqualTo("UA/1"));
                    Assert.That(long.Parse(hit["cdt"]), Is.GreaterThanOrEqualTo(before), "the time of arrival, not the browser's cdt");
                    Assert.That(matomo.Received.Single().Target, Does.Not.Contain("token_auth"));
                    Assert.That(MatomoLikeUpstream.Parse(matomo.Received.Single().Body).Token, Is.EqualTo(Token));
                }
                finally
                {
                    MatomoDelivery.Outbox?.Stop(TimeSpan.FromSeconds(1));
                    viaModule = false;
                }
            }
        }

        [Test]
        public void Through_the_module_in_direct_mode_a_hit_matomo_refuses_to_take_is_delivered_by_the_outbox()
        {
            using (var matomo = new MatomoLikeUpstream())
            using (var folder = new TempFolder())
            {
                viaModule = true;
                try
                {
                    MatomoSettings settings = Delivering("http://127.0.0.1:9/", matomo, folder, (Keys.ProxyDelivery, "direct"));
                    RecordingWorkerRequest w = Serve(settings, "matomo.php", "idsite=4&rec=1&action_name=Lost&send_image=0");
                    Assert.That(w.Status, Is.EqualTo(204), "the harmless answer");
                    Assert.That(Wait.Until(() => matomo.TrackedHits().Count == 1, TimeSpan.FromSeconds(20)), Is.True, "handed to the outbox instead of dropped");
                    Assert.That(matomo.TrackedHits().Single()["action_name"], Is.EqualTo("Lost"));
                }
                finally
                {
                    MatomoDelivery.Outbox?.Stop(TimeSpan.FromSeconds(1));
                    viaModule = false;
                }
            }
        }

        private static string[] Directives(string cacheControl) =>
            (cacheControl ?? "").Split(',').Select(d => d.Trim()).Where(d => d.Length > 0).OrderBy(d => d, StringComparer.Ordinal).ToArray();

        [TestCase(new[] { "no-cache, no-store" }, new[] { "no-cache", "no-store" })]
        [TestCase(new[] { "private, max-age=60" }, new[] { "max-age=60", "private" })]
        [TestCase(new[] { "public, max-age=60, s-maxage=30, must-revalidate, no-transform" }, new[] { "max-age=60", "must-revalidate", "no-transform", "public", "s-maxage=30" })]
        [TestCase(new[] { "no-cache", "no-store, must-revalidate" }, new[] { "must-revalidate", "no-cache", "no-store" })]
        [TestCase(new[] { "public, max-age=600", "private, max-age=60" }, new[] { "max-age=60", "private" })]
        public void The_handler_writes_matomos_cache_policy_whole_through_system_web(string[] upstreamValues, string[] expected)
        {
            using (var upstream = new LoopbackUpstream(r =>
                   {
                       UpstreamReply reply = UpstreamReply.Text(200, "ok");
                       foreach (string v in upstreamValues) reply.With("Cache-Control", v);
                       return reply;
                   }))
            {
                MatomoSettings settings = TestSettings.Basic((Keys.ProxyPath, "insights"), (Keys.ProxyUpstream, upstream.Url.AbsoluteUri));
                RecordingWorkerRequest w = Serve(settings, "matomo.php", "idsite=4&rec=1&send_image=0");
                Assert.That(w.Status, Is.EqualTo(200));
                Assert.That(w.Headers.Count(h => h.Key == "Cache-Control"), Is.EqualTo(1), "one Cache-Control header");
                Assert.That(Directives(w.Header("Cache-Control")), Is.EqualTo(expected));
            }
        }

        [Test]
        public void The_handler_writes_no_store_when_matomo_sends_no_cache_policy()
        {
            using (var upstream = new LoopbackUpstream(r => UpstreamReply.Text(200, "ok")))
            {
                MatomoSettings settings = TestSettings.Basic((Keys.ProxyPath, "insights"), (Keys.ProxyUpstream, upstream.Url.AbsoluteUri));
                RecordingWorkerRequest w = Serve(settings, "matomo.php", "idsite=4&rec=1&send_image=0");
                Assert.That(Directives(w.Header("Cache-Control")), Does.Contain("no-store").And.Not.Contain("public"));
            }
        }

        [Test]
        public void The_handler_forwards_with_the_resolved_client_and_writes_matomos_answer()
        {
            using (var upstream = new LoopbackUpstream(r => UpstreamReply.Text(200, "GIF", "image/gif").With("Server", "Apache").With("Set-Cookie", "ASP.NET_SessionId=x")))
            {
                MatomoSettings settings = TestSettings.Basic((Keys.ProxyPath, "insights"), (Keys.ProxyUpstream, upstream.Url.AbsoluteUri), (Keys.ProxyTokenAuth, Token));
                RecordingWorkerRequest w = Serve(settings, "matomo.php", "idsite=4&rec=1",
                    ("X-Forwarded-For", "203.0.113.9"), ("User-Agent", "UA"), ("Cookie", "ASP.NET_SessionId=s; _pk_id.4.1=v"));
                Assert.That(w.Status, Is.EqualTo(200));
                Assert.That(Encoding.UTF8.GetString(w.Body.ToArray()), Is.EqualTo("GIF"));
                Assert.That(w.Header("Content-Type"), Does.StartWith("image/gif"));
                Assert.That(w.Header("Server"), Is.Null);
                Assert.That(w.Header("Set-Cookie"), Is.Null);
                UpstreamRequest up = upstream.Received.Single(r => r.Path.EndsWith("/matomo.php")); // the script was fetched too, as the proxy started
                Assert.That(up.Parameters["cip"], Is.EqualTo("203.0.113.9"), "the client a trusted proxy (127.0.0.1) forwarded");
                Assert.That(up.Parameters["token_auth"], Is.EqualTo(Token));
                Assert.That(up.Header("Cookie"), Is.EqualTo("_pk_id.4.1=v"));
                Assert.That(up.Header("X-Forwarded-For"), Is.Null);
            }
        }

        [Test]
        public void The_handler_forwards_a_bulk_post_body()
        {
            using (var upstream = new LoopbackUpstream(r => UpstreamReply.Text(200, "{\"status\":\"success\",\"tracked\":1}", "application/json")))
            {
                MatomoSettings settings = TestSettings.Basic((Keys.ProxyPath, "insights"), (Keys.ProxyUpstream, upstream.Url.AbsoluteUri), (Keys.ProxyTokenAuth, Token));
                RecordingWorkerRequest w = Serve(settings, "matomo.php", "", "{\"requests\":[\"?idsite=4&rec=1\"]}");
                Assert.That(w.Status, Is.EqualTo(200));
                Assert.That(Encoding.UTF8.GetString(w.Body.ToArray()), Is.EqualTo("{\"status\":\"success\",\"tracked\":1}"));
                UpstreamRequest up = upstream.Received.Single(r => r.Path.EndsWith("/matomo.php"));
                Assert.That(up.Body, Is.EqualTo("{\"requests\":[\"?idsite=4&rec=1&cip=127.0.0.1\"],\"token_auth\":\"" + Token + "\"}"));
                Assert.That(up.Header("Content-Type"), Does.StartWith("application/json"), "JSON, which PHP never parses into $_POST");
            }
        }

        [Test]
        public void The_handler_serves_the_script_with_validators_and_304()
        {
            using (var upstream = new LoopbackUpstream(r => UpstreamReply.Text(200, "var x;", "application/javascript")))
            {
                MatomoSettings settings = TestSettings.Basic((Keys.ProxyPath, "insights"), (Keys.ProxyUpstream, upstream.Url.AbsoluteUri));
                RecordingWorkerRequest first = Serve(settings, "matomo.js", "");
                Assert.That(first.Status, Is.EqualTo(200));
                Assert.That(Encoding.UTF8.GetString(first.Body.ToArray()), Is.EqualTo("var x;"));
                string etag = first.Header("ETag");
                Assert.That(etag, Does.Match("^\"[0-9a-f]+\"$"));
                Assert.That(first.Header("Last-Modified"), Is.Not.Null);
                Assert.That(first.Header("Cache-Control"), Does.Contain("public").And.Contain("max-age=86400"));
                RecordingWorkerRequest second = Serve(settings, "matomo.js", "", ("If-None-Match", etag));
                Assert.That(second.Status, Is.EqualTo(304));
                Assert.That(second.Body.Length, Is.Zero);
                Assert.That(upstream.Received.Count, Is.EqualTo(1));
            }
        }

        [Test]
        public void The_handler_answers_204_fast_when_matomo_is_down_and_no_store()
        {
            MatomoSettings settings = TestSettings.Basic((Keys.ProxyPath, "insights"), (Keys.ProxyUpstream, LoopbackUpstream.Refusing().AbsoluteUri));
            RecordingWorkerRequest w = Serve(settings, "matomo.php", "idsite=4&rec=1&send_image=0");
            Assert.That(w.Status, Is.EqualTo(204));
            Assert.That(w.Header("Cache-Control"), Does.Contain("no-store").Or.Contain("no-cache"));
        }
    }
}

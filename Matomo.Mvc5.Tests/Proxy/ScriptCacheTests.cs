using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Matomo.Mvc5.Proxy;
using Matomo.Mvc5.Tests.Support;
using NUnit.Framework;
using static Matomo.Mvc5.Tests.Proxy.ProxyFixture;

namespace Matomo.Mvc5.Tests.Proxy
{
    /// <summary>The tracker script: fetched once, served from memory with validators, refreshed in the background, kept while Matomo is down.</summary>
    public class ScriptCacheTests
    {
        private const string Js = "/* matomo.js */ var Matomo = {};";
        private LoopbackUpstream _upstream;
        private string _script;
        private DateTimeOffset _now;

        [SetUp]
        public void SetUp()
        {
            _script = Js;
            _now = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
            _upstream = new LoopbackUpstream(r => r.Path.EndsWith(".js")
                ? UpstreamReply.Text(200, _script, "application/javascript").With("ETag", "\"up-1\"")
                : UpstreamReply.Text(404, "no"));
        }

        [TearDown]
        public void TearDown() => _upstream.Dispose();

        private TrackerProxy Proxy(Action<TrackerProxyOptions> more = null) => NewProxy(_upstream.Url, o =>
        {
            o.Clock = () => _now;
            o.ScriptMaxAge = TimeSpan.FromMinutes(10);
            o.Timeout = TimeSpan.FromSeconds(1);
            more?.Invoke(o);
        });

        private static void WaitFor(Func<bool> condition)
        {
            var watch = Stopwatch.StartNew();
            while (!condition())
            {
                if (watch.Elapsed > TimeSpan.FromSeconds(10)) Assert.Fail("timed out waiting");
                Thread.Sleep(10);
            }
        }

        [Test]
        public void Fetched_once_and_served_from_memory_with_validators()
        {
            TrackerProxy proxy = Proxy();
            for (int i = 0; i < 5; i++)
            {
                ProxyResponse r = proxy.Run(Get("matomo.js"));
                Assert.That(r.Status, Is.EqualTo(200));
                Assert.That(r.BodyText(), Is.EqualTo(Js));
                Assert.That(r.Header("Content-Type"), Is.EqualTo("application/javascript; charset=utf-8"));
                Assert.That(r.Header("ETag"), Does.Match("^\"[0-9a-f]{24}\"$"));
                Assert.That(r.Header("Last-Modified"), Is.EqualTo("Wed, 01 May 2024 12:00:00 GMT"));
                Assert.That(r.Header("Cache-Control"), Is.EqualTo("public, max-age=600"));
            }
            Assert.That(_upstream.Received.Count, Is.EqualTo(1));
            Assert.That(_upstream.Single().Path, Is.EqualTo("/matomo/matomo.js"));
            Assert.That(_upstream.Single().Query, Is.Empty, "no token or cip on the script request");
        }

        [Test]
        public void Concurrent_first_requests_share_one_fetch_and_beyond_the_waiting_cap_get_503_at_once()
        {
            var slow = TimeSpan.FromSeconds(2);
            _upstream.Reply = r => new UpstreamReply { Delay = slow, Body = Encoding.UTF8.GetBytes(Js) };
            TrackerProxy proxy = Proxy(o => { o.Timeout = TimeSpan.FromSeconds(10); o.MaxScriptWaiters = 3; });
            var clock = Stopwatch.StartNew();
            Task<(ProxyResponse Response, TimeSpan At)>[] all = Enumerable.Range(0, 20)
                .Select(i => Task.Run(async () => (await proxy.HandleAsync(Get("matomo.js")).ConfigureAwait(false), clock.Elapsed))).ToArray();
            Task.WaitAll(all);
            var waited = all.Where(t => t.Result.Response.Status == 200).ToList();
            var refused = all.Where(t => t.Result.Response.Status != 200).ToList();
            Assert.That(waited.Select(t => t.Result.Response.BodyText()), Is.All.EqualTo(Js));
            Assert.That(waited.Count, Is.EqualTo(3), "as many waited for the fetch as the cap allows");
            Assert.That(refused.Select(t => t.Result.Response.Status), Is.All.EqualTo(503));
            Assert.That(refused.Select(t => t.Result.At), Is.All.LessThan(slow), "the others were answered at once, before the fetch ended");
            Assert.That(refused.Select(t => t.Result.Response.Header("Retry-After")), Is.All.EqualTo("1"));
            Assert.That(refused.Select(t => t.Result.Response.Header("Cache-Control")), Is.All.EqualTo("no-store"), "no browser keeps the failure");
            Assert.That(_upstream.Received.Count, Is.EqualTo(1), "one fetch");
            Assert.That(proxy.Script.Waiting, Is.Zero);
            Assert.That(proxy.Run(Get("matomo.js")).Status, Is.EqualTo(200), "cached from then on");
        }

        [Test]
        public void Prefetch_asks_matomo_before_any_visitor_and_the_first_visitor_is_served_from_memory()
        {
            TrackerProxy proxy = Proxy();
            proxy.Script.Prefetch();
            WaitFor(() => _upstream.Received.Count == 1);
            WaitFor(() => proxy.Run(Get("matomo.js", "", ("If-None-Match", "\"none\""))).Status == 200);
            Assert.That(proxy.Run(Get("matomo.js")).BodyText(), Is.EqualTo(Js));
            Assert.That(_upstream.Received.Count, Is.EqualTo(1), "the visitors were served what the prefetch fetched");
            proxy.Script.Prefetch();
            Assert.That(_upstream.Received.Count, Is.EqualTo(1), "a cached script is not fetched again by a prefetch");
        }

        [Test]
        public void A_failed_prefetch_rests_like_a_failed_fetch()
        {
            _upstream.Reply = r => UpstreamReply.Text(500, "down");
            TrackerProxy proxy = Proxy();
            proxy.Script.Prefetch();
            WaitFor(() => _upstream.Received.Count == 1);
            WaitFor(() => proxy.Run(Get("matomo.js")).Status == 503);
            proxy.Script.Prefetch();
            Assert.That(_upstream.Received.Count, Is.EqualTo(1), "no second fetch within the rest after a failure");
        }

        [Test]
        public void Matomo_php_without_parameters_serves_the_script_as_the_php_proxy_does()
        {
            ProxyResponse r = Proxy().Run(Get("matomo.php"));
            Assert.That(r.BodyText(), Is.EqualTo(Js));
            Assert.That(_upstream.Single().Path, Is.EqualTo("/matomo/matomo.js"));
        }

        [Test]
        public void If_none_match_gives_304_without_body()
        {
            TrackerProxy proxy = Proxy();
            string etag = proxy.Run(Get("matomo.js")).Header("ETag");
            ProxyResponse r = proxy.Run(Get("matomo.js", "", ("If-None-Match", "\"other\", " + etag)));
            Assert.That(r.Status, Is.EqualTo(304));
            Assert.That(r.Body, Is.Null);
            Assert.That(r.Header("ETag"), Is.EqualTo(etag));
            Assert.That(proxy.Run(Get("matomo.js", "", ("If-None-Match", "W/" + etag))).Status, Is.EqualTo(304), "weak comparison");
            Assert.That(proxy.Run(Get("matomo.js", "", ("If-None-Match", "\"other\""), ("If-Modified-Since", "Wed, 01 May 2024 13:00:00 GMT"))).Status,
                Is.EqualTo(200), "If-None-Match decides when present");
        }

        [TestCase("Wed, 01 May 2024 12:00:00 GMT", 304)]
        [TestCase("Wed, 01 May 2024 13:00:00 GMT", 304)]
        [TestCase("Wed, 01 May 2024 11:59:59 GMT", 200)]
        [TestCase("garbage", 200)]
        public void If_modified_since(string since, int status)
        {
            TrackerProxy proxy = Proxy();
            proxy.Run(Get("matomo.js"));
            Assert.That(proxy.Run(Get("matomo.js", "", ("If-Modified-Since", since))).Status, Is.EqualTo(status));
        }

        [Test]
        public void Head_has_headers_and_no_body()
        {
            ProxyRequest head = Get("matomo.js");
            head.Method = "HEAD";
            ProxyResponse r = Proxy().Run(head);
            Assert.That(r.Status, Is.EqualTo(200));
            Assert.That(r.Body, Is.Null);
            Assert.That(r.Header("ETag"), Is.Not.Null);
        }

        [Test]
        public void Post_to_the_script_is_refused()
        {
            ProxyResponse r = Proxy().Run(Post("matomo.js", "", "x=1"));
            Assert.That(r.Status, Is.EqualTo(405));
            Assert.That(_upstream.Received, Is.Empty);
        }

        [Test]
        public void Past_max_age_the_stale_copy_is_served_while_one_background_fetch_refreshes_it()
        {
            TrackerProxy proxy = Proxy();
            string etag1 = proxy.Run(Get("matomo.js")).Header("ETag");
            _script = Js + " /* v2 */";
            _upstream.Reply = r => new UpstreamReply { Delay = TimeSpan.FromMilliseconds(500), Body = Encoding.UTF8.GetBytes(_script) }.With("ETag", "\"up-2\"");
            _now += TimeSpan.FromMinutes(11);

            var watch = Stopwatch.StartNew();
            ProxyResponse stale = proxy.Run(Get("matomo.js"));
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromMilliseconds(450)), "the stale copy does not wait for the refresh");
            Assert.That(stale.BodyText(), Is.EqualTo(Js));
            Assert.That(proxy.Run(Get("matomo.js")).BodyText(), Is.EqualTo(Js), "still stale while the refresh runs");
            WaitFor(() => proxy.Run(Get("matomo.js")).BodyText() == _script);
            Assert.That(_upstream.Received.Count, Is.EqualTo(2), "one refresh, however many requests came meanwhile");
            Assert.That(_upstream.Received.Last().Header("If-None-Match"), Is.EqualTo("\"up-1\""), "the refresh is conditional on Matomo's own ETag");
            ProxyResponse fresh = proxy.Run(Get("matomo.js"));
            Assert.That(fresh.Header("ETag"), Is.Not.EqualTo(etag1));
            Assert.That(fresh.Header("Last-Modified"), Is.EqualTo("Wed, 01 May 2024 12:11:00 GMT"));
        }

        [Test]
        public void A_304_from_matomo_renews_the_copy_without_changing_its_validators()
        {
            TrackerProxy proxy = Proxy();
            ProxyResponse first = proxy.Run(Get("matomo.js"));
            _upstream.Reply = r => new UpstreamReply { Status = 304 };
            _now += TimeSpan.FromMinutes(11);
            proxy.Run(Get("matomo.js"));
            WaitFor(() => _upstream.Received.Count == 2);
            Thread.Sleep(100);
            _now += TimeSpan.FromMinutes(5); // within the renewed max age: no third fetch
            ProxyResponse again = proxy.Run(Get("matomo.js"));
            Assert.That(again.BodyText(), Is.EqualTo(Js));
            Assert.That(again.Header("ETag"), Is.EqualTo(first.Header("ETag")));
            Assert.That(again.Header("Last-Modified"), Is.EqualTo(first.Header("Last-Modified")));
            Thread.Sleep(100);
            Assert.That(_upstream.Received.Count, Is.EqualTo(2));
        }

        [Test]
        public void The_cached_copy_is_served_while_matomo_is_down()
        {
            TrackerProxy proxy = Proxy();
            proxy.Run(Get("matomo.js"));
            _upstream.Dispose(); // Matomo is gone: connections refused
            for (int minutes = 11; minutes < 200; minutes += 30)
            {
                _now = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero) + TimeSpan.FromMinutes(minutes);
                ProxyResponse r = proxy.Run(Get("matomo.js"));
                Assert.That(r.Status, Is.EqualTo(200));
                Assert.That(r.BodyText(), Is.EqualTo(Js));
            }
        }

        [Test]
        public void The_cached_copy_is_served_while_matomo_hangs_or_fails([Values("hang", "500", "empty")] string how)
        {
            TrackerProxy proxy = Proxy();
            proxy.Run(Get("matomo.js"));
            _upstream.Reply = r => how == "hang" ? new UpstreamReply { Hang = true } : how == "500" ? UpstreamReply.Text(500, "x") : new UpstreamReply();
            _now += TimeSpan.FromMinutes(11);
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < 5; i++) Assert.That(proxy.Run(Get("matomo.js")).BodyText(), Is.EqualTo(Js));
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromMilliseconds(900)), "nobody waits on the refresh");
            WaitFor(() => _upstream.Received.Count == 2);
            Thread.Sleep(1500); // the failed refresh has ended (timeout 1 s)
            Assert.That(proxy.Run(Get("matomo.js")).BodyText(), Is.EqualTo(Js));
        }

        [Test]
        public void A_failed_refresh_is_retried_only_after_the_quiet_period()
        {
            TrackerProxy proxy = Proxy(o => o.RetryAfterFailure = TimeSpan.FromMinutes(1));
            proxy.Run(Get("matomo.js"));
            _upstream.Reply = r => UpstreamReply.Text(500, "x");
            _now += TimeSpan.FromMinutes(11);
            proxy.Run(Get("matomo.js"));
            WaitFor(() => _upstream.Received.Count == 2);
            Thread.Sleep(100);
            proxy.Run(Get("matomo.js"));
            Thread.Sleep(100);
            Assert.That(_upstream.Received.Count, Is.EqualTo(2));
            _now += TimeSpan.FromMinutes(2);
            proxy.Run(Get("matomo.js"));
            WaitFor(() => _upstream.Received.Count == 3);
        }

        [Test]
        public void First_fetch_failing_answers_503_and_then_503_at_once_until_the_quiet_period_ends([Values("refused", "hang", "500", "404")] string how)
        {
            Uri url = _upstream.Url;
            if (how == "refused") url = LoopbackUpstream.Refusing();
            _upstream.Reply = r => how == "hang" ? new UpstreamReply { Hang = true } : UpstreamReply.Text(how == "500" ? 500 : 404, "x");
            TrackerProxy proxy = NewProxy(url, o =>
            {
                o.Clock = () => _now;
                o.Timeout = TimeSpan.FromSeconds(1);
                o.RetryAfterFailure = TimeSpan.FromSeconds(30);
            });
            var watch = Stopwatch.StartNew();
            ProxyResponse first = proxy.Run(Get("matomo.js"));
            Assert.That(first.Status, Is.EqualTo(503));
            Assert.That(first.Header("Retry-After"), Is.EqualTo("30"));
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(4)), "within the timeout");
            watch.Restart();
            for (int i = 0; i < 10; i++) Assert.That(proxy.Run(Get("matomo.js")).Status, Is.EqualTo(503));
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromMilliseconds(500)), "503 at once, Matomo not asked again");
            Assert.That(proxy.Script.Fetches, Is.EqualTo(1));

            _upstream.Reply = r => UpstreamReply.Text(200, Js);
            _now += TimeSpan.FromSeconds(31);
            if (how == "refused") return; // that upstream never comes up
            // The clock turned 31 s in a moment: let the timed-out fetch's aborted exchange end, as it does in 31 real seconds.
            Assert.That(SpinWait.SpinUntil(() => !proxy.Script.StillOpen, TimeSpan.FromSeconds(3)), Is.True);
            ProxyResponse later = proxy.Run(Get("matomo.js"));
            Assert.That(later.Status, Is.EqualTo(200));
            Assert.That(later.BodyText(), Is.EqualTo(Js));
        }

        [Test]
        public void Oversized_script_is_refused()
        {
            _script = new string('x', 5 * 1024 * 1024);
            Assert.That(Proxy().Run(Get("matomo.js")).Status, Is.EqualTo(503));
        }

        [Test]
        public void A_timed_out_fetch_whose_connect_goes_on_is_not_retried_until_it_ends()
        {
            // Mono does not stop a pending connect at the deadline: fetches retried every RetryAfterFailure would each
            // leave one more connect towards an overloaded Matomo.
            Assume.That(FullAcceptQueue.IsSupported, "the kernel's table of sockets counts the pending connects");
            DateTimeOffset now = DateTimeOffset.UtcNow;
            using (var matomo = new FullAcceptQueue())
            {
                TrackerProxy proxy = NewProxy(matomo.Url, o =>
                {
                    o.Timeout = TimeSpan.FromMilliseconds(300);
                    o.RetryAfterFailure = TimeSpan.FromSeconds(10);
                    o.Clock = () => now;
                });
                for (int i = 0; i < 4; i++)
                {
                    Assert.That(proxy.Run(Get("matomo.js")).Status, Is.EqualTo(503));
                    now += TimeSpan.FromSeconds(11); // past the rest after a failure
                }
                Assert.That(proxy.Script.Fetches, Is.EqualTo(1), "no new fetch while the first one's connect is open");
                Assert.That(matomo.PendingConnects, Is.EqualTo(1));
            }
        }
    }
}

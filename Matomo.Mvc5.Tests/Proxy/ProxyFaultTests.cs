using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Matomo.Mvc5.Tests.Support;
using NUnit.Framework;
using static Matomo.Mvc5.Tests.Proxy.ProxyFixture;

namespace Matomo.Mvc5.Tests.Proxy
{
    /// <summary>
    /// Matomo refused, hanging, slow, failing, resetting: the tracking endpoint still answers, harmlessly (204, or a
    /// 1x1 GIF to an image request), within the timeout. Bounds are the configured timeout plus a generous margin for
    /// a shared 2-core machine; no speed is asserted beyond that.
    /// </summary>
    public class ProxyFaultTests
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);
        private static readonly TimeSpan Margin = TimeSpan.FromSeconds(3);

        private static ProxyResponse Timed(TrackerProxy proxy, ProxyRequest request, out TimeSpan took)
        {
            var watch = Stopwatch.StartNew();
            ProxyResponse r = proxy.Run(request);
            took = watch.Elapsed;
            return r;
        }

        private static void AssertHarmless(ProxyResponse r, bool image)
        {
            if (image)
            {
                Assert.That(r.Status, Is.EqualTo(200));
                Assert.That(r.Header("Content-Type"), Is.EqualTo("image/gif"));
                Assert.That(r.Body.Take(6).ToArray(), Is.EqualTo(new byte[] { 0x47, 0x49, 0x46, 0x38, 0x39, 0x61 }), "GIF89a");
                Assert.That(r.Body.Skip(6).Take(4).ToArray(), Is.EqualTo(new byte[] { 1, 0, 1, 0 }), "1x1");
                Assert.That(r.Body.Last(), Is.EqualTo(0x3B), "GIF trailer");
            }
            else
            {
                Assert.That(r.Status, Is.EqualTo(204));
                Assert.That(r.Body, Is.Null.Or.Empty);
            }
        }

        public enum Fault { Refused, Hanging, HangingInBody, Slow, Status500, Status502, Status503, Reset, Redirect }

        private static LoopbackUpstream UpstreamFor(Fault fault)
        {
            switch (fault)
            {
                case Fault.Hanging: return new LoopbackUpstream(r => new UpstreamReply { Hang = true });
                case Fault.HangingInBody: return new LoopbackUpstream(r => new UpstreamReply { HangInBody = true, Body = new byte[1000] }.With("Content-Type", "image/gif"));
                case Fault.Slow: return new LoopbackUpstream(r => new UpstreamReply { Delay = Timeout + TimeSpan.FromSeconds(1) });
                case Fault.Status500: return new LoopbackUpstream(r => UpstreamReply.Text(500, "Fatal error in /var/www/matomo/core/Tracker.php"));
                case Fault.Status502: return new LoopbackUpstream(r => UpstreamReply.Text(502, "Bad gateway"));
                case Fault.Status503: return new LoopbackUpstream(r => UpstreamReply.Text(503, "Maintenance"));
                case Fault.Reset: return new LoopbackUpstream(r => new UpstreamReply { Reset = true });
                case Fault.Redirect: return new LoopbackUpstream(r => new UpstreamReply { Status = 302 }.With("Location", "http://matomo.internal/login"));
                default: return null;
            }
        }

        [Test]
        public void Tracking_answers_harmlessly_within_the_timeout([Values] Fault fault, [Values(true, false)] bool image)
        {
            using (LoopbackUpstream upstream = UpstreamFor(fault))
            {
                Uri url = upstream?.Url ?? LoopbackUpstream.Refusing();
                TrackerProxy proxy = NewProxy(url, o => o.Timeout = Timeout);
                ProxyRequest request = Get("matomo.php", "idsite=4&rec=1" + (image ? "" : "&send_image=0"));
                ProxyResponse r = Timed(proxy, request, out TimeSpan took);
                AssertHarmless(r, image);
                Assert.That(took, Is.LessThan(Timeout + Margin));
                Assert.That(r.Header("Location"), Is.Null);
                Assert.That(r.BodyText(), Does.Not.Contain("matomo"));
            }
        }

        [Test]
        public void Post_answers_204_on_fault()
        {
            TrackerProxy proxy = NewProxy(LoopbackUpstream.Refusing(), o => o.Timeout = Timeout);
            AssertHarmless(proxy.Run(Post("matomo.php", "", "{\"requests\":[\"?idsite=4&rec=1\"]}")), image: false);
        }

        [Test]
        public void Slow_within_the_timeout_is_answered_by_matomo()
        {
            using (var upstream = new LoopbackUpstream(r => new UpstreamReply { Delay = TimeSpan.FromMilliseconds(300), Status = 200 }.With("Content-Type", "image/gif")))
            {
                ProxyResponse r = NewProxy(upstream.Url, o => o.Timeout = TimeSpan.FromSeconds(3)).Run(Get("matomo.php", "idsite=4&rec=1&send_image=0"));
                Assert.That(r.Status, Is.EqualTo(200));
                Assert.That(r.Header("Content-Type"), Is.EqualTo("image/gif"));
            }
        }

        [Test]
        public void Two_hundred_tracking_requests_against_a_hanging_upstream_all_end_within_the_timeout_without_holding_threads()
        {
            using (var upstream = new LoopbackUpstream(r => new UpstreamReply { Hang = true }))
            {
                TrackerProxy proxy = NewProxy(upstream.Url, o => o.Timeout = Timeout);
                ThreadPool.GetAvailableThreads(out int workersBefore, out _);
                var watch = Stopwatch.StartNew();
                Task<ProxyResponse>[] all = Enumerable.Range(0, 200)
                    .Select(i => proxy.HandleAsync(Get("matomo.php", "idsite=4&rec=1&send_image=0&r=" + i)))
                    .ToArray();
                // While the 200 wait on Matomo, no thread is parked on them: the pool can still run ordinary work at once.
                Thread.Sleep(200);
                ThreadPool.GetAvailableThreads(out int workersDuring, out _);
                Assert.That(workersBefore - workersDuring, Is.LessThan(20), "threads held while the upstream hangs");
                Assert.That(Task.Run(() => 42).Wait(TimeSpan.FromSeconds(1)), Is.True, "the thread pool answers ordinary work");
                Assert.That(Task.WaitAll(all, Timeout + Margin + Margin), Is.True, "every request ended");
                Assert.That(all.All(t => t.Result.Status == 204), Is.True);
                Assert.That(watch.Elapsed, Is.LessThan(Timeout + Margin + Margin));
                Assert.That(upstream.Received.Count, Is.GreaterThan(100), "the requests really were in flight at once");
            }
        }
    }
}

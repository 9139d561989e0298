using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Matomo.Mvc5.Proxy;
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
                // All 200 at Matomo at once (above the default limit of requests waiting on it: see the next tests).
                TrackerProxy proxy = NewProxy(upstream.Url, o => { o.Timeout = Timeout; o.MaxConcurrentForwards = 1000; });
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

        [Test]
        public void Beyond_the_limit_of_requests_waiting_on_matomo_tracking_is_answered_harmlessly_at_once([Values(true, false)] bool image)
        {
            const int limit = 10, requests = 30;
            using (var upstream = new LoopbackUpstream(r => new UpstreamReply { Hang = true }))
            {
                TrackerProxy proxy = NewProxy(upstream.Url, o => { o.Timeout = Timeout + Timeout; o.MaxConcurrentForwards = limit; });
                Task<ProxyResponse>[] waiting = Enumerable.Range(0, limit)
                    .Select(i => proxy.HandleAsync(Get("matomo.php", "idsite=4&rec=1&r=" + i + (image ? "" : "&send_image=0"))))
                    .ToArray();
                Assert.That(SpinWait.SpinUntil(() => upstream.Received.Count == limit, Timeout + Margin), Is.True, "the first ones wait on Matomo");
                Assert.That(proxy.Forwarding, Is.EqualTo(limit));

                var watch = Stopwatch.StartNew();
                ProxyResponse[] beyond = Enumerable.Range(limit, requests - limit)
                    .Select(i => proxy.Run(Get("matomo.php", "idsite=4&rec=1&r=" + i + (image ? "" : "&send_image=0"))))
                    .ToArray();
                TimeSpan took = watch.Elapsed;

                foreach (ProxyResponse r in beyond) AssertHarmless(r, image);
                Assert.That(took, Is.LessThan(Timeout), "answered without waiting on Matomo");
                Assert.That(waiting.Any(t => t.IsCompleted), Is.False, "the first ones still wait");
                Assert.That(upstream.Received.Count, Is.EqualTo(limit), "none of the others reached Matomo");

                Assert.That(Task.WaitAll(waiting, Timeout + Timeout + Margin), Is.True);
                foreach (Task<ProxyResponse> t in waiting) AssertHarmless(t.Result, image);
                Assert.That(SpinWait.SpinUntil(() => proxy.Forwarding == 0, Margin), Is.True,
                    "every slot is given back, also after a timeout, once the aborted exchange has ended");
            }
        }

        [Test]
        public void Slots_are_given_back_after_answers_and_faults_so_later_requests_reach_matomo()
        {
            using (var upstream = new LoopbackUpstream(r => UpstreamReply.Text(r.Target.Contains("fail") ? 500 : 204, "")))
            {
                TrackerProxy proxy = NewProxy(upstream.Url, o => o.MaxConcurrentForwards = 1);
                for (int i = 0; i < 5; i++)
                {
                    proxy.Run(Get("matomo.php", "idsite=4&rec=1&send_image=0&action_name=fail" + i));
                    proxy.Run(Get("matomo.php", "idsite=4&rec=1&send_image=0&action_name=ok" + i));
                }
                Assert.That(upstream.Received.Count, Is.EqualTo(10), "one at a time, each reached Matomo");
                Assert.That(proxy.Forwarding, Is.Zero);
            }
        }

        [Test]
        public void A_slot_is_held_until_the_exchange_with_matomo_really_ends_not_only_until_the_browser_has_its_answer()
        {
            // A Matomo whose accept queue is full (an overloaded server): the kernel drops the SYNs, connects stay
            // pending, and Mono's HttpClient does not stop a pending connect when the request is cancelled. Before
            // the fix every timed-out hit gave its slot back while its connect went on: 5 rounds of 2 hits left 10
            // connects open towards Matomo with a limit of 2.
            Assume.That(FullAcceptQueue.IsSupported, "the kernel's table of sockets counts the pending connects");
            const int limit = 2;
            using (var matomo = new FullAcceptQueue())
            {
                TrackerProxy proxy = NewProxy(matomo.Url, o => { o.Timeout = TimeSpan.FromMilliseconds(300); o.MaxConcurrentForwards = limit; });
                for (int round = 0; round < 5; round++)
                {
                    Task<ProxyResponse>[] hits = Enumerable.Range(0, limit)
                        .Select(i => proxy.HandleAsync(Get("matomo.php", "idsite=4&rec=1&send_image=0&r=" + round + i))).ToArray();
                    Assert.That(Task.WaitAll(hits, Timeout + Margin), Is.True, "every hit is answered within the timeout");
                    foreach (Task<ProxyResponse> t in hits) AssertHarmless(t.Result, image: false);
                }
                Assert.That(matomo.PendingConnects, Is.EqualTo(limit), "connects the proxy has open towards Matomo");
                Assert.That(proxy.Forwarding, Is.EqualTo(limit), "the slots stay taken while their connects go on");

                // Matomo goes away: the next retransmitted SYN is refused, the connects fail, the exchanges end.
                matomo.Stop();
                Assert.That(SpinWait.SpinUntil(() => proxy.Forwarding == 0, TimeSpan.FromSeconds(30)), Is.True,
                    "each slot comes back when its exchange really ends");
            }
        }

        [Test]
        public void Against_a_hanging_matomo_the_aborted_exchanges_really_close_their_connections_and_give_their_slots_back()
        {
            const int limit = 3;
            using (var upstream = new LoopbackUpstream(r => new UpstreamReply { Hang = true }))
            {
                TrackerProxy proxy = NewProxy(upstream.Url, o => { o.Timeout = TimeSpan.FromMilliseconds(300); o.MaxConcurrentForwards = limit; });
                for (int round = 0; round < 5; round++)
                {
                    Task<ProxyResponse>[] hits = Enumerable.Range(0, limit + 2)
                        .Select(i => proxy.HandleAsync(Get("matomo.php", "idsite=4&rec=1&send_image=0&r=" + round + i))).ToArray();
                    Assert.That(Task.WaitAll(hits, Timeout + Margin), Is.True);
                    foreach (Task<ProxyResponse> t in hits) AssertHarmless(t.Result, image: false);
                }
                Assert.That(upstream.Received.Count, Is.GreaterThanOrEqualTo(limit), "the hits reached Matomo");
                // Matomo's side sees each connection closed (the hanging reply waits for the peer to close).
                Assert.That(SpinWait.SpinUntil(() => proxy.Forwarding == 0 && upstream.Open == 0, Margin), Is.True, "aborted exchanges end");
            }
        }

        [Test]
        public void The_threads_of_requests_waiting_on_matomo_are_reserved_in_the_pool_once()
        {
            ThreadPool.GetMinThreads(out int before, out int portsBefore);
            int forwards = before + 8; // more than any limit reserved so far in this process
            TrackerProxy.ReserveThreads(forwards);
            ThreadPool.GetMinThreads(out int after, out int portsAfter);
            Assert.That(after, Is.EqualTo(Math.Min(MaxWorkers(), Environment.ProcessorCount + forwards)));
            Assert.That(portsAfter, Is.EqualTo(portsBefore));

            TrackerProxy.ReserveThreads(forwards); // again, as after an application restart: no more
            TrackerProxy.ReserveThreads(4);        // a smaller limit: never lowered
            ThreadPool.GetMinThreads(out int again, out _);
            Assert.That(again, Is.EqualTo(after));
        }

        private static int MaxWorkers()
        {
            ThreadPool.GetMaxThreads(out int workers, out _);
            return workers;
        }

        [Test]
        public void Default_limit_is_a_quarter_of_the_pools_worker_threads()
        {
            Assert.That(TrackerProxyOptions.DefaultMaxConcurrentForwards(), Is.EqualTo(Math.Max(4, MaxWorkers() / 4)));
            Assert.That(new TrackerProxyOptions().MaxConcurrentForwards, Is.EqualTo(TrackerProxyOptions.DefaultMaxConcurrentForwards()));
        }
    }
}

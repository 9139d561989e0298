using System;
using System.Linq;
using System.Net;
using System.Threading;
using Matomo.Mvc5.Proxy;
using Matomo.Mvc5.Tests.Support;
using NUnit.Framework;
using static Matomo.Mvc5.Tests.Proxy.ProxyFixture;

namespace Matomo.Mvc5.Tests.Proxy
{
    /// <summary>
    /// How the proxy's connections to Matomo are made and kept, against real loopback servers: a lease under steady
    /// traffic, never the machine's proxy, and the process-wide changes only when <see cref="TrackerProxyOptions.TuneProcess"/> allows.
    /// </summary>
    [NonParallelizable]
    public class UpstreamConnectionTests
    {
        /// <summary>Hits one after another, <paramref name="pause"/> apart, for <paramref name="span"/>: no connection is ever idle long.</summary>
        private static int SteadyTraffic(TrackerProxy proxy, TimeSpan span, TimeSpan pause)
        {
            DateTime end = DateTime.UtcNow + span;
            int hits = 0;
            while (DateTime.UtcNow < end)
            {
                Assert.That(proxy.Run(Get("matomo.php", "idsite=4&rec=1&send_image=0&r=" + hits++)).Status, Is.EqualTo(204));
                Thread.Sleep(pause);
            }
            return hits;
        }

        [Test]
        public void Under_steady_traffic_a_connection_is_replaced_when_its_lease_ends()
        {
            using (var leased = new LoopbackUpstream(r => new UpstreamReply { Status = 204 }))
            using (var kept = new LoopbackUpstream(r => new UpstreamReply { Status = 204 }))
            {
                TrackerProxy short_ = NewProxy(leased.Url, o => o.ConnectionLease = TimeSpan.FromMilliseconds(400));
                TrackerProxy long_ = NewProxy(kept.Url, o => o.ConnectionLease = TimeSpan.FromHours(1));
                int hits = SteadyTraffic(short_, TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(100));
                SteadyTraffic(long_, TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(100));
                Assert.That(leased.Received.Count, Is.EqualTo(hits));
                Assert.That(kept.Connections, Is.EqualTo(1), "without a lease ending, one kept-alive connection carries every hit");
                Assert.That(leased.Connections, Is.GreaterThanOrEqualTo(3), "a new connection (and DNS lookup) after each lease of 0.4 s over 2 s");
                Assert.That(SpinWait.SpinUntil(() => leased.Open <= 1, TimeSpan.FromSeconds(3)), Is.True,
                    "the replaced connections are closed, not left idle (open: " + leased.Open + ")");
                Assert.That(ServicePointManager.FindServicePoint(leased.Url).ConnectionLeaseTimeout, Is.EqualTo(400), "and .NET Framework's own lease");
            }
        }

        [Test]
        public void Matomo_is_reached_directly_never_through_the_machines_proxy()
        {
            // .NET never sends loopback addresses through a proxy, so Matomo is named by a host no DNS resolves
            // (RFC 2606's .invalid): through the machine's proxy the hit would reach it, token and visitor included;
            // straight, it fails to resolve and the browser gets the harmless answer. (Mono's HttpClientHandler sends
            // direct unless given a Proxy, so on Mono this fails only if the proxy is handed one; .NET Framework's
            // default, UseProxy without a Proxy, is the machine's proxy.)
            IWebProxy before = WebRequest.DefaultWebProxy;
            using (var machineProxy = new LoopbackUpstream(r => new UpstreamReply { Status = 204 }))
            {
                try
                {
                    WebRequest.DefaultWebProxy = new WebProxy(new Uri("http://127.0.0.1:" + machineProxy.Port + "/"), false);
                    TrackerProxy proxy = NewProxy(new Uri("http://matomo.invalid:" + machineProxy.Port + "/matomo/"));
                    ProxyResponse r = proxy.Run(Get("matomo.php", "idsite=4&rec=1&send_image=0"));
                    Assert.That(r.Status, Is.EqualTo(204));
                    Assert.That(machineProxy.Received, Is.Empty, "the machine's proxy saw nothing: not the token, not the visitor's address");
                }
                finally
                {
                    WebRequest.DefaultWebProxy = before;
                }
            }
        }

        [Test]
        public void The_process_wide_changes_are_made_as_the_proxy_starts_and_only_then()
        {
            using (var tuned = new LoopbackUpstream())
            {
                ThreadPool.GetMinThreads(out int workers, out _);
                int forwards = workers + 16; // above any minimum reached so far in this process
                NewProxy(tuned.Url, o => { o.MaxConcurrentForwards = forwards; o.MaxScriptWaiters = 8; });
                ServicePoint point = ServicePointManager.FindServicePoint(tuned.Url);
                Assert.That(point.ConnectionLimit, Is.GreaterThanOrEqualTo(1024));
                Assert.That(point.Expect100Continue, Is.False);
                Assert.That(point.UseNagleAlgorithm, Is.False);
                Assert.That(point.ConnectionLeaseTimeout, Is.EqualTo(60000), "the default lease");
                ThreadPool.GetMinThreads(out int after, out _);
                ThreadPool.GetMaxThreads(out int maxWorkers, out _);
                Assert.That(after, Is.EqualTo(Math.Min(maxWorkers, Environment.ProcessorCount + forwards + 8)));
            }
        }

        [Test]
        public void With_tune_process_off_the_thread_pool_and_matomos_service_point_are_left_as_they_are()
        {
            using (var untouched = new LoopbackUpstream(r => new UpstreamReply { Status = 204 }))
            {
                ThreadPool.GetMinThreads(out int workers, out int ports);
                // The process's service point for this address starts as the defaults make it: an earlier test's proxy
                // may have tuned it for a loopback port the system has since given this upstream again.
                ServicePoint point = ServicePointManager.FindServicePoint(untouched.Url);
                point.ConnectionLimit = ServicePointManager.DefaultConnectionLimit;
                point.Expect100Continue = ServicePointManager.Expect100Continue;
                point.ConnectionLeaseTimeout = Timeout.Infinite;
                var before = (point.ConnectionLimit, point.Expect100Continue, point.ConnectionLeaseTimeout);
                TrackerProxy proxy = NewProxy(untouched.Url, o => { o.TuneProcess = false; o.MaxConcurrentForwards = workers + 64; });
                ThreadPool.GetMinThreads(out int after, out int portsAfter);
                Assert.That((after, portsAfter), Is.EqualTo((workers, ports)), "the thread pool's minimum is not raised");
                Assert.That(ServicePointManager.FindServicePoint(untouched.Url), Is.SameAs(point));
                Assert.That((point.ConnectionLimit, point.Expect100Continue, point.ConnectionLeaseTimeout), Is.EqualTo(before), "Matomo's service point is not tuned");
                Assert.That(proxy.Run(Get("matomo.php", "idsite=4&rec=1&send_image=0")).Status, Is.EqualTo(204), "and the proxy works");
            }
        }
    }
}

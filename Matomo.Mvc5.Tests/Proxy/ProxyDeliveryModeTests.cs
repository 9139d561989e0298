using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Matomo.Mvc5.Proxy;
using Matomo.Mvc5.Tests.Support;
using NUnit.Framework;
using static Matomo.Mvc5.Tests.Proxy.ProxyFixture;

namespace Matomo.Mvc5.Tests.Proxy
{
    /// <summary>
    /// <c>matomo:ProxyDelivery</c>: queued (the browser answered at once, its hits handed to the queue, Matomo not
    /// asked) and direct (forwarded; what fails at Matomo handed to the queue instead of dropped), against a recording
    /// queue and <see cref="LoopbackUpstream"/>; and the Tag Manager container served from its cache.
    /// </summary>
    public class ProxyDeliveryModeTests
    {
        private sealed class RecordingQueue
        {
            public readonly ConcurrentQueue<(string Hit, string Address)> Hits = new ConcurrentQueue<(string, string)>();
            public bool Accepts = true;

            public bool Accept(string hit, string address)
            {
                if (!Accepts) return false;
                Hits.Enqueue((hit, address));
                return true;
            }
        }

        private LoopbackUpstream _upstream;
        private RecordingQueue _queue;

        [SetUp]
        public void SetUp()
        {
            _upstream = new LoopbackUpstream(r => new UpstreamReply { Status = 200, Body = new byte[] { 0x47, 0x49, 0x46 } }.With("Content-Type", "image/gif"));
            _queue = new RecordingQueue();
        }

        [TearDown]
        public void TearDown() => _upstream.Dispose();

        private TrackerProxy Proxy(bool queued, Uri upstream = null, Action<TrackerProxyOptions> more = null) =>
            NewProxy(upstream ?? _upstream.Url, o =>
            {
                o.Queued = queued;
                o.Queue = _queue.Accept;
                o.Timeout = TimeSpan.FromSeconds(1);
                more?.Invoke(o);
            });

        [Test]
        public void Queued_an_image_request_gets_the_gif_at_once_and_matomo_is_not_asked()
        {
            ProxyResponse r = Proxy(true).Run(Get("matomo.php", "idsite=4&rec=1&action_name=Home&cip=203.0.113.66", ("User-Agent", "Test/1")));
            Assert.That(r.Status, Is.EqualTo(200));
            Assert.That(r.Header("Content-Type"), Is.EqualTo("image/gif"));
            Assert.That(r.Header("Cache-Control"), Is.EqualTo("no-store"));
            Assert.That(_upstream.Received, Is.Empty, "nothing goes to Matomo from the request");
            Assert.That(_queue.Hits.Single(), Is.EqualTo(("idsite=4&rec=1&action_name=Home&ua=Test%2F1", Client)), "the visitor's own cip removed; the outbox adds the visitor's address");
        }

        [Test]
        public void Queued_a_post_gets_204_and_a_bulk_request_one_hit_per_entry()
        {
            TrackerProxy proxy = Proxy(true);
            Assert.That(proxy.Run(Post("matomo.php", "", "idsite=4&rec=1&send_image=0")).Status, Is.EqualTo(204));
            Assert.That(proxy.Run(Post("matomo.php", "", "{\"requests\":[\"?idsite=4&rec=1&n=1\",\"?idsite=4&rec=1&n=2\"]}")).Status, Is.EqualTo(204));
            Assert.That(_queue.Hits.Select(h => h.Hit), Is.EqualTo(new[] { "idsite=4&rec=1&send_image=0", "idsite=4&rec=1&n=1", "idsite=4&rec=1&n=2" }));
            Assert.That(_upstream.Received, Is.Empty);
        }

        [Test]
        public void Queued_a_hanging_matomo_does_not_delay_the_answer()
        {
            using (var hanging = new LoopbackUpstream(r => new UpstreamReply { Hang = true }))
            {
                TrackerProxy proxy = Proxy(true, hanging.Url, o => o.Timeout = TimeSpan.FromSeconds(30));
                Task<ProxyResponse>[] all = Enumerable.Range(0, 200)
                    .Select(i => proxy.HandleAsync(Get("matomo.php", "idsite=4&rec=1&send_image=0&r=" + i))).ToArray();
                Assert.That(Task.WaitAll(all, TimeSpan.FromSeconds(10)), Is.True, "every request was answered while Matomo hangs (its timeout is 30 s)");
                Assert.That(all.Select(t => t.Result.Status), Has.All.EqualTo(204));
                Assert.That(hanging.Received, Is.Empty);
                Assert.That(_queue.Hits.Count, Is.EqualTo(200));
            }
        }

        [Test]
        public void Queued_without_a_queue_to_take_the_hit_the_request_is_forwarded()
        {
            _queue.Accepts = false;
            ProxyResponse r = Proxy(true).Run(Get("matomo.php", "idsite=4&rec=1"));
            Assert.That(r.Status, Is.EqualTo(200));
            UpstreamRequest up = _upstream.Single();
            Assert.That(up.Parameters["token_auth"], Is.EqualTo(Token));
            Assert.That(up.Query, Does.Not.Contain("token_auth"));
        }

        [Test]
        public void Queued_do_not_track_is_answered_and_not_queued()
        {
            ProxyResponse r = Proxy(true).Run(Get("matomo.php", "idsite=4&rec=1&send_image=0", ("DNT", "1")));
            Assert.That(r.Status, Is.EqualTo(204));
            Assert.That(_queue.Hits, Is.Empty, "the outbox could not carry the header to Matomo's Do Not Track check");
            Assert.That(_upstream.Received, Is.Empty);
        }

        [TestCase("matomo_ignore=*")]
        [TestCase("_pk_id.4.8809=5a4d3e2f1b0c9d8e.1733230000.; piwik_ignore=1")]
        public void Queued_a_visitor_who_opted_out_at_matomo_is_answered_and_not_queued(string cookies)
        {
            ProxyResponse r = Proxy(true).Run(Get("matomo.php", "idsite=4&rec=1&send_image=0", ("Cookie", cookies)));
            Assert.That(r.Status, Is.EqualTo(204));
            Assert.That(_queue.Hits, Is.Empty, "no cookie travels with a queued hit: Matomo could not see its own opt-out");
            Assert.That(_upstream.Received, Is.Empty);
        }

        [Test]
        public void Queued_other_cookies_do_not_keep_a_hit_from_the_queue()
        {
            Proxy(true).Run(Get("matomo.php", "idsite=4&rec=1&send_image=0", ("Cookie", "matomo_ignored=1; session=x")));
            Assert.That(_queue.Hits, Has.Count.EqualTo(1));
        }

        [Test]
        public void Queued_the_script_is_still_served_from_matomo()
        {
            _upstream.Reply = r => UpstreamReply.Text(200, "/* matomo.js */", "application/javascript");
            ProxyResponse r = Proxy(true).Run(Get("matomo.js"));
            Assert.That(r.Status, Is.EqualTo(200));
            Assert.That(r.BodyText(), Is.EqualTo("/* matomo.js */"));
        }

        public enum Failure { Refused, Timeout, Status500, Status503, Reset }

        [Test]
        public void Direct_a_request_that_fails_at_matomo_is_handed_to_the_queue([Values] Failure failure)
        {
            Uri url = _upstream.Url;
            switch (failure)
            {
                case Failure.Refused: url = LoopbackUpstream.Refusing(); break;
                case Failure.Timeout: _upstream.Reply = r => new UpstreamReply { Hang = true }; break;
                case Failure.Status500: _upstream.Reply = r => UpstreamReply.Text(500, "Fatal error"); break;
                case Failure.Status503: _upstream.Reply = r => UpstreamReply.Text(503, "Maintenance"); break;
                case Failure.Reset: _upstream.Reply = r => new UpstreamReply { Reset = true }; break;
            }
            ProxyResponse answer = Proxy(false, url).Run(Post("matomo.php", "idsite=4", "rec=1&send_image=0&country=fr"));
            Assert.That(answer.Status, Is.EqualTo(204));
            Assert.That(_queue.Hits.Single(), Is.EqualTo(("idsite=4&rec=1&send_image=0", Client)), "rewritten for the queue: no authentication-only parameter");
        }

        [Test]
        public void Direct_a_request_matomo_takes_or_refuses_is_not_queued([Values(200, 204, 400)] int status)
        {
            _upstream.Reply = r => UpstreamReply.Text(status, status == 204 ? "" : "x");
            Proxy(false).Run(Get("matomo.php", "idsite=4&rec=1"));
            Assert.That(_upstream.Received.Count, Is.EqualTo(1));
            Assert.That(_queue.Hits, Is.Empty, "a request Matomo answered (or refused as bad) is not sent again");
        }

        [Test]
        public void Direct_a_request_the_bulkhead_keeps_from_matomo_is_queued()
        {
            using (var hanging = new LoopbackUpstream(r => new UpstreamReply { Hang = true }))
            {
                TrackerProxy proxy = Proxy(false, hanging.Url, o => { o.MaxConcurrentForwards = 1; o.Timeout = TimeSpan.FromSeconds(2); });
                Task<ProxyResponse> first = proxy.HandleAsync(Get("matomo.php", "idsite=4&rec=1&send_image=0&n=1"));
                var clock = Stopwatch.StartNew();
                while (proxy.Forwarding == 0 && clock.Elapsed < TimeSpan.FromSeconds(5)) System.Threading.Thread.Sleep(10);
                Assert.That(proxy.Run(Get("matomo.php", "idsite=4&rec=1&send_image=0&n=2")).Status, Is.EqualTo(204));
                Assert.That(_queue.Hits.Select(h => h.Hit), Is.EqualTo(new[] { "idsite=4&rec=1&send_image=0&n=2" }), "the one not sent is queued at once");
                Assert.That(first.Wait(TimeSpan.FromSeconds(10)), Is.True);
                Assert.That(_queue.Hits.Select(h => h.Hit), Is.EquivalentTo(new[] { "idsite=4&rec=1&send_image=0&n=2", "idsite=4&rec=1&send_image=0&n=1" }), "and the one that timed out");
            }
        }

        [Test]
        public void Direct_the_token_is_never_in_the_url([Values("idsite=4&rec=1", "idsite=4&rec=1&token_auth=&cip=")] string query)
        {
            Proxy(false).Run(Get("matomo.php", query));
            UpstreamRequest up = _upstream.Single();
            Assert.That(up.Target, Does.Not.Contain("token_auth").And.Not.Contain(Uri.EscapeDataString(Token)).And.Not.Contain("cip="));
            Assert.That(up.Parameters["token_auth"], Is.EqualTo(Token), "Matomo reads it from $_POST");
            Assert.That(up.Parameters["cip"], Is.EqualTo(Client));
        }

        private const string ContainerId = "aBcD1234";

        [Test]
        public void The_configured_container_is_served_from_a_cache()
        {
            _upstream.Reply = r => UpstreamReply.Text(200, "/* container " + r.Path + " */", "application/javascript");
            TrackerProxy proxy = Proxy(true, more: o => o.ContainerId = ContainerId);
            ProxyResponse first = proxy.Run(Get("js/container_" + ContainerId + ".js"));
            ProxyResponse second = proxy.Run(Get("js/container_" + ContainerId + ".js"));
            Assert.That(first.Status, Is.EqualTo(200));
            Assert.That(first.BodyText(), Is.EqualTo("/* container /matomo/js/container_" + ContainerId + ".js */"));
            Assert.That(first.Header("Content-Type"), Does.StartWith("application/javascript"));
            Assert.That(second.BodyText(), Is.EqualTo(first.BodyText()));
            Assert.That(proxy.Container.Fetches, Is.EqualTo(1), "fetched once");
            Assert.That(proxy.Run(Get("js/container_" + ContainerId + ".js", "", ("If-None-Match", first.Header("ETag")))).Status, Is.EqualTo(304));
            Assert.That(proxy.Run(Post("js/container_" + ContainerId + ".js", "", "x=1")).Status, Is.EqualTo(405));
        }

        [TestCase("js/container_zzzz9999.js", TestName = "Another container id is not found")]
        [TestCase("js/container_abcd1234.js", TestName = "The id in another case is not found")]
        [TestCase("js/container_aBcD12345.js", TestName = "A longer id is not found")]
        [TestCase("js/container_aBcD123.js", TestName = "A shorter id is not found")]
        [TestCase("js/container_aBcD%31234.js", TestName = "An encoded id is not found")]
        [TestCase("js/../js/container_aBcD1234.js", TestName = "A dotted path is not found")]
        [TestCase("JS/container_aBcD1234.js", TestName = "Another folder case is not found")]
        public void Other_container_paths_are_not_found(string subPath)
        {
            ProxyResponse r = Proxy(true, more: o => o.ContainerId = ContainerId).Run(Get(subPath));
            Assert.That(r.Status, Is.EqualTo(404));
            Assert.That(_upstream.Received, Is.Empty, "Matomo is not asked");
        }

        [Test]
        public void Without_a_container_id_no_container_is_served()
        {
            Assert.That(Proxy(true).Run(Get("js/container_" + ContainerId + ".js")).Status, Is.EqualTo(404));
            Assert.That(_upstream.Received, Is.Empty);
        }
    }
}

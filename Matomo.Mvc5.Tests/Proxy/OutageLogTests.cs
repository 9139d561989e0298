using System;
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
    /// One warning per outage: the proxy's trace while Matomo fails, read back from <see cref="System.Diagnostics.Trace"/>.
    /// Tracking hits through the proxy against a loopback Matomo told to fail or not; the clock is turned by hand.
    /// </summary>
    [NonParallelizable]
    public class OutageLogTests
    {
        private const string Proxy = "Matomo proxy:";
        private DateTimeOffset _now;
        private volatile int _status;
        private volatile bool _hang;
        private LoopbackUpstream _upstream;
        private TraceRecorder _trace;

        [SetUp]
        public void SetUp()
        {
            _now = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
            _status = 204;
            _hang = false;
            _upstream = new LoopbackUpstream(r => _hang ? new UpstreamReply { Hang = true } : UpstreamReply.Text(_status, ""));
            _trace = new TraceRecorder();
        }

        [TearDown]
        public void TearDown()
        {
            _trace.Dispose();
            _upstream.Dispose();
        }

        private TrackerProxy NewOutageProxy(Action<TrackerProxyOptions> configure = null) =>
            NewProxy(_upstream.Url, o =>
            {
                o.Clock = () => _now;
                o.OutageEndsAfter = TimeSpan.FromSeconds(30);
                configure?.Invoke(o);
            });

        private static ProxyResponse Hit(TrackerProxy proxy, int i) => proxy.Run(Get("matomo.php", "idsite=4&rec=1&send_image=0&r=" + i));

        [Test]
        public void Twenty_failed_hits_are_one_warning_and_the_end_is_one_line_with_their_count()
        {
            TrackerProxy proxy = NewOutageProxy();
            Hit(proxy, 0);
            Assert.That(_trace.With(Proxy), Is.Empty, "a success outside an outage traces nothing");

            _status = 503;
            for (int i = 0; i < 20; i++)
            {
                Assert.That(Hit(proxy, i).Status, Is.EqualTo(204));
                _now += TimeSpan.FromSeconds(1);
            }
            string[] lines = _trace.With(Proxy);
            Assert.That(lines, Has.Length.EqualTo(1), "one warning for the outage, none per hit");
            Assert.That(lines[0], Does.Contain("Warning").And.Contain("tracking requests fail (answered HTTP 503)"));

            _status = 204;
            _now += TimeSpan.FromSeconds(30);
            for (int i = 0; i < 3; i++) Hit(proxy, 100 + i);
            lines = _trace.With(Proxy);
            Assert.That(lines, Has.Length.EqualTo(2), "one line when it ends, none for the successes after it");
            Assert.That(lines[1], Does.Contain("tracking requests succeed again; 20 failed from 2026-03-01 12:00:00Z to 2026-03-01 12:00:19Z (19 s)"));
            Assert.That(string.Join("\n", lines), Does.Not.Contain(Token).And.Not.Contain(_upstream.Port.ToString()), "no token, no URL");
        }

        [Test]
        public void Failures_between_successes_are_one_outage_until_hits_succeed_for_a_while()
        {
            TrackerProxy proxy = NewOutageProxy();
            foreach (int status in new[] { 500, 204, 502, 204, 500 })
            {
                _status = status;
                Hit(proxy, status);
                _now += TimeSpan.FromSeconds(5);
            }
            Assert.That(_trace.With(Proxy), Has.Length.EqualTo(1), "a Matomo failing every other hit is one outage");
            Assert.That(proxy.Outage.IsDown, Is.True);

            _status = 204;
            _now += TimeSpan.FromSeconds(25);
            Hit(proxy, 1);
            string[] lines = _trace.With(Proxy);
            Assert.That(lines, Has.Length.EqualTo(2));
            Assert.That(lines[1], Does.Contain("3 failed"));

            _status = 500;
            Hit(proxy, 2);
            lines = _trace.With(Proxy);
            Assert.That(lines, Has.Length.EqualTo(3), "a new outage is warned again");
            Assert.That(lines[2], Does.Contain("tracking requests fail (answered HTTP 500)"));
        }

        [Test]
        public void Hits_refused_beyond_the_limit_while_matomo_hangs_count_in_the_same_outage()
        {
            _hang = true;
            TrackerProxy proxy = NewOutageProxy(o => { o.MaxConcurrentForwards = 1; o.Timeout = TimeSpan.FromSeconds(1); });
            Task<ProxyResponse> waiting = proxy.HandleAsync(Get("matomo.php", "idsite=4&rec=1&send_image=0&r=w"));
            Assert.That(SpinWait.SpinUntil(() => _upstream.Received.Count == 1, TimeSpan.FromSeconds(3)), Is.True);
            for (int i = 0; i < 5; i++) Assert.That(Hit(proxy, i).Status, Is.EqualTo(204));
            Assert.That(waiting.Wait(TimeSpan.FromSeconds(5)), Is.True);
            Assert.That(SpinWait.SpinUntil(() => proxy.Forwarding == 0, TimeSpan.FromSeconds(5)), Is.True);
            string[] lines = _trace.With(Proxy);
            Assert.That(lines, Has.Length.EqualTo(1), "the refused hits and the timed-out one: one warning");
            Assert.That(lines[0], Does.Contain("tracking requests fail (not forwarded: 1 already wait on Matomo)"));

            _hang = false;
            _now += TimeSpan.FromSeconds(30);
            Hit(proxy, 9);
            Assert.That(_trace.With(Proxy).Last(), Does.Contain("succeed again; 6 failed"));
        }

        [Test]
        public void A_failing_script_fetch_is_one_warning_however_often_it_is_tried()
        {
            TrackerProxy proxy = NewOutageProxy(o => o.RetryAfterFailure = TimeSpan.FromSeconds(10));
            _status = 500;
            for (int i = 0; i < 4; i++)
            {
                Assert.That(proxy.Run(Get("matomo.js")).Status, Is.EqualTo(503));
                _now += TimeSpan.FromSeconds(11); // past the rest after a failure: Matomo is asked again
            }
            Assert.That(proxy.Script.Fetches, Is.EqualTo(4));
            string[] lines = _trace.With(Proxy);
            Assert.That(lines, Has.Length.EqualTo(1));
            Assert.That(lines[0], Does.Contain("fetches of the tracker script fail (answered HTTP 500)"));

            _upstream.Reply = r => UpstreamReply.Text(200, "var x;", "application/javascript");
            _now += TimeSpan.FromSeconds(30);
            Assert.That(proxy.Run(Get("matomo.js")).Status, Is.EqualTo(200));
            Assert.That(_trace.With(Proxy).Last(), Does.Contain("fetches of the tracker script succeed again; 4 failed"));
        }

        [Test]
        public void Concurrent_failures_start_one_outage_and_are_all_counted()
        {
            var log = new OutageLog("things", TimeSpan.FromSeconds(1), () => _now);
            Parallel.For(0, 8, t =>
            {
                for (int i = 0; i < 1000; i++) log.Failed("reason " + t);
            });
            Assert.That(_trace.With("things fail"), Has.Length.EqualTo(1));
            _now += TimeSpan.FromSeconds(1);
            Parallel.For(0, 8, t => log.Succeeded());
            Assert.That(_trace.With("things succeed again"), Is.EqualTo(new[] { _trace.With("things succeed again").Single() }), "one end line");
            Assert.That(_trace.With("things succeed again")[0], Does.Contain("8000 failed"));
        }
    }
}

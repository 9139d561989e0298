using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Matomo.Mvc5.Delivery;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Delivery
{
    /// <summary>
    /// The outbox end to end in one process, against a real loopback server answering as Matomo: batches, order,
    /// cdt and cip, the token in the body, Matomo's counts, bisection on 400, backoff on every kind of failure, the
    /// outage's two log lines, shutdown. Times in assertions are generous bounds, never speeds.
    /// </summary>
    public class OutboxTests
    {
        private const string Token = "0123456789abcdef-secret";
        private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
        private static readonly long Epoch = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

        private TempFolder _folder;
        private MatomoLikeUpstream _matomo;
        private ConcurrentQueue<string> _log;

        [SetUp]
        public void Start()
        {
            _folder = new TempFolder();
            _matomo = new MatomoLikeUpstream();
            _log = new ConcurrentQueue<string>();
        }

        [TearDown]
        public void End()
        {
            _matomo.Dispose();
            _folder.Dispose();
        }

        private OutboxOptions Options(string token = Token, Uri endpoint = null) => new OutboxOptions
        {
            Endpoint = endpoint ?? _matomo.Endpoint,
            TokenAuth = token,
            SpoolFolder = _folder.Path,
            BatchSize = 50,
            RequestTimeout = TimeSpan.FromMilliseconds(700),
            RetryInitial = TimeSpan.FromMilliseconds(100),
            RetryMax = TimeSpan.FromMilliseconds(800),
            Heartbeat = TimeSpan.FromMilliseconds(200),
            LeaseTimeout = TimeSpan.FromSeconds(2),
            Log = _log.Enqueue,
        };

        private static string Query(int n) => "idsite=3&rec=1&url=https%3A%2F%2Fshop.example%2Fp%3Fid%3D" + n + "&n=" + n;

        private static int N(IDictionary<string, string> hit) => int.Parse(hit["n"], CultureInfo.InvariantCulture);

        [Test]
        public void Hits_arrive_in_order_in_batches_with_their_time_and_address_and_the_token_only_in_the_body()
        {
            var accepted = new long[500];
            using (var outbox = new DeliveryOutbox(Options()))
            {
                for (int i = 0; i < 500; i++)
                {
                    accepted[i] = DateTime.UtcNow.Ticks - TimeSpan.TicksPerHour * (i % 3); // some an hour or two old
                    outbox.Accept(Query(i) + (i == 7 ? "&cdt=1&cip=6.6.6.6&token_auth=visitor" : ""), accepted[i], i % 2 == 0 ? "203.0.113." + (i % 200) : "2001:db8::" + i.ToString("x"));
                }
                Assert.That(Wait.Until(() => outbox.Status.Delivered == 500, Long), Is.True, () => outbox.Status.ToString());
                MatomoDeliveryStatus status = outbox.Status;
                Assert.That(status.Accepted, Is.EqualTo(500));
                Assert.That(status.Tracked, Is.EqualTo(500));
                Assert.That(status.Rejected + status.Retried + status.DroppedTooOld + status.DroppedSpoolFull, Is.Zero);
                Assert.That(status.WaitingOnDisk + status.WaitingInMemory, Is.Zero);
                Assert.That(status.OldestWaitingAge, Is.Null);
            }
            List<IDictionary<string, string>> hits = _matomo.TrackedHits();
            Assert.That(hits.Select(N), Is.EqualTo(Enumerable.Range(0, 500)), "each once, in order");
            for (int i = 0; i < 500; i++)
            {
                Assert.That(hits[i]["cdt"], Is.EqualTo(((accepted[i] - Epoch) / TimeSpan.TicksPerSecond).ToString(CultureInfo.InvariantCulture)), "cdt of " + i);
                Assert.That(hits[i]["cip"], Is.EqualTo(i % 2 == 0 ? "203.0.113." + (i % 200) : "2001:db8::" + i.ToString("x")));
                Assert.That(hits[i].ContainsKey("token_auth"), Is.False, "no token inside an entry");
                Assert.That(hits[i]["url"], Is.EqualTo("https://shop.example/p?id=" + i));
            }
            UpstreamRequestList requests = new UpstreamRequestList(_matomo);
            Assert.That(requests.Count, Is.LessThan(500 / 5), "batched");
            Assert.That(requests.All(r => r.Method == "POST" && r.Header("Content-Type") == "application/json"), Is.True);
            Assert.That(requests.All(r => !r.Target.Contains(Token) && !r.Target.Contains("token_auth")), Is.True, "the token is never in the URL");
            Assert.That(requests.All(r => MatomoLikeUpstream.Parse(r.Body).Token == Token), Is.True, "the token is in every body");
            Assert.That(requests.Max(r => MatomoLikeUpstream.Parse(r.Body).Requests.Count), Is.LessThanOrEqualTo(50));
            Assert.That(_log, Is.Empty, "no log line without an outage");
        }

        [Test]
        public void Without_a_token_no_cip_is_sent_and_hits_older_than_a_day_are_dropped_and_counted_not_sent()
        {
            long now = DateTime.UtcNow.Ticks;
            using (var outbox = new DeliveryOutbox(Options(token: null)))
            {
                for (int i = 0; i < 40; i++)
                    outbox.Accept(Query(i), i % 4 == 0 ? now - TimeSpan.TicksPerDay - TimeSpan.TicksPerHour : now - TimeSpan.TicksPerHour * 23, "203.0.113.9");
                Assert.That(Wait.Until(() => outbox.Status.Delivered + outbox.Status.DroppedTooOld == 40, Long), Is.True, () => outbox.Status.ToString());
                Assert.That(outbox.Status.DroppedTooOld, Is.EqualTo(10));
            }
            List<IDictionary<string, string>> hits = _matomo.TrackedHits();
            Assert.That(hits.Select(N), Is.EqualTo(Enumerable.Range(0, 40).Where(i => i % 4 != 0)));
            Assert.That(hits.Any(h => h.ContainsKey("cip")), Is.False, "Matomo takes cip only with a token");
            Assert.That(new UpstreamRequestList(_matomo).All(r => MatomoLikeUpstream.Parse(r.Body).Token == null), Is.True);
        }

        [Test]
        public void With_a_token_old_hits_are_sent_but_not_those_beyond_the_raw_data_window()
        {
            long now = DateTime.UtcNow.Ticks;
            OutboxOptions options = Options();
            options.RawDataWindow = TimeSpan.FromDays(30);
            using (var outbox = new DeliveryOutbox(options))
            {
                outbox.Accept(Query(0), now - TimeSpan.TicksPerDay * 40, null);
                outbox.Accept(Query(1), now - TimeSpan.TicksPerDay * 3, null);
                outbox.Accept(Query(2), now, null);
                Assert.That(Wait.Until(() => outbox.Status.Delivered == 2, Long), Is.True, () => outbox.Status.ToString());
                Assert.That(outbox.Status.DroppedTooOld, Is.EqualTo(1));
            }
            Assert.That(_matomo.TrackedHits().Select(N), Is.EqualTo(new[] { 1, 2 }));
        }

        [Test]
        public void Invalid_hits_in_an_answer_are_counted_as_rejected_and_not_sent_again()
        {
            _matomo.IsInvalid = h => N(h) % 10 == 3;
            using (var outbox = new DeliveryOutbox(Options()))
            {
                for (int i = 0; i < 200; i++) outbox.Accept(Query(i), null);
                Assert.That(Wait.Until(() => outbox.Status.Delivered == 200, Long), Is.True, () => outbox.Status.ToString());
                Assert.That(outbox.Status.Rejected, Is.EqualTo(20));
                Assert.That(outbox.Status.Tracked, Is.EqualTo(180));
                Assert.That(outbox.Status.Retried, Is.Zero);
                Assert.That(outbox.Status.RejectedNotKept, Is.EqualTo(20), "an answer that does not name them: they cannot be told from the tracked ones");
                Assert.That(outbox.Status.RejectedKept, Is.Zero);
            }
            Assert.That(_matomo.Tracked.SelectMany(b => b).Select(N), Is.EqualTo(Enumerable.Range(0, 200)), "each sent once");
        }

        [Test]
        public void Invalid_hits_an_answer_names_are_kept_and_sent_again_with_their_time_when_a_replay_is_asked_for()
        {
            _matomo.IsInvalid = h => N(h) % 10 == 3;
            _matomo.GivesIndices = true;
            long start = DateTime.UtcNow.Ticks - TimeSpan.TicksPerHour;
            using (var outbox = new DeliveryOutbox(Options()))
            {
                for (int i = 0; i < 200; i++) outbox.Accept(Query(i), start + i * TimeSpan.TicksPerSecond, "203.0.113.7");
                Assert.That(Wait.Until(() => outbox.Status.Delivered == 200 && outbox.Status.RejectedKept == 20, Long), Is.True, () => outbox.Status.ToString());
                Assert.That(outbox.Status.RejectedNotKept, Is.Zero);
                Assert.That(outbox.Status.Tracked, Is.EqualTo(180));

                _matomo.IsInvalid = h => false; // the cause fixed
                int before = _matomo.Tracked.Count;
                DeliveryOutbox.RequestReplay(_folder.Path);
                Assert.That(Wait.Until(() => outbox.Status.Tracked == 200 && outbox.Status.RejectedKept == 0, Long), Is.True, () => outbox.Status.ToString());
                MatomoDeliveryStatus status = outbox.Status;
                Assert.That(status.Replayed, Is.EqualTo(20));
                Assert.That(status.Accepted + status.Replayed, Is.EqualTo(status.Delivered + status.WaitingOnDisk + status.WaitingInMemory), "the counts add up");
                List<IDictionary<string, string>> again = _matomo.Tracked.Skip(before).SelectMany(b => b).ToList();
                Assert.That(again.Select(N), Is.EqualTo(Enumerable.Range(0, 200).Where(i => i % 10 == 3)), "the kept ones, oldest first, once");
                foreach (IDictionary<string, string> hit in again)
                {
                    Assert.That(hit["cdt"], Is.EqualTo(((start + N(hit) * TimeSpan.TicksPerSecond - Epoch) / TimeSpan.TicksPerSecond).ToString(CultureInfo.InvariantCulture)), "first accepted, not replayed, at");
                    Assert.That(hit["cip"], Is.EqualTo("203.0.113.7"));
                }
            }
            Assert.That(_log.Count(l => l.Contains("replay of the rejected hits")), Is.EqualTo(1), string.Join("\n", _log));
            Assert.That(_folder.Files("*.rejected"), Is.Empty);
        }

        [Test]
        public void A_batch_refused_with_400_is_bisected_so_that_only_the_bad_hits_are_left_out()
        {
            _matomo.RefusesBatch = h => h["n"] == "17" || h["n"] == "18" || h["n"] == "44";
            using (var outbox = new DeliveryOutbox(Options()))
            {
                // All at once, so that they travel in one batch of 50.
                for (int i = 0; i < 50; i++) outbox.Accept(Query(i), null);
                Assert.That(Wait.Until(() => outbox.Status.Delivered + outbox.Status.Rejected == 50, Long), Is.True, () => outbox.Status.ToString());
                Assert.That(outbox.Status.Rejected, Is.EqualTo(3));
                Assert.That(outbox.Status.RejectedKept, Is.EqualTo(3), "each refused on its own: named, so kept");
                Assert.That(outbox.Status.Retried, Is.Zero);
            }
            Assert.That(_matomo.TrackedHits().Select(N), Is.EqualTo(Enumerable.Range(0, 50).Where(i => i != 17 && i != 18 && i != 44)), "in order, the good ones once");
            Assert.That(_matomo.Attempts, Is.LessThanOrEqualTo(1 + 2 * 3 * 6), "bisection: about 2 log2(50) requests per bad hit");
        }

        [Test]
        public void A_Matomo_that_refuses_every_hit_gets_them_counted_as_rejected_and_one_log_line()
        {
            _matomo.RefusesBatch = h => true;
            using (var outbox = new DeliveryOutbox(Options()))
            {
                for (int i = 0; i < 20; i++) outbox.Accept(Query(i), null);
                Assert.That(Wait.Until(() => outbox.Status.Rejected == 20, Long), Is.True, () => outbox.Status.ToString());
                Thread.Sleep(100);
                for (int i = 20; i < 40; i++) outbox.Accept(Query(i), null);
                Assert.That(Wait.Until(() => outbox.Status.Rejected == 40, Long), Is.True, () => outbox.Status.ToString());
                Assert.That(outbox.Status.RejectedKept, Is.EqualTo(40), "kept, not deleted: the cause is likely a setting");
            }
            Assert.That(_log.Count(l => l.Contains("refused each of the")), Is.EqualTo(1), string.Join("\n", _log));
            Assert.That(_log.Single(l => l.Contains("refused each of the")), Does.Contain("MatomoModule.ReplayRejectedHits()").And.Not.Contain(Token));

            // The next process (the setting fixed, the application restarted) sends them when asked, in order.
            _matomo.RefusesBatch = h => false;
            using (var next = new DeliveryOutbox(Options()))
            {
                Assert.That(next.Status.RejectedKept, Is.EqualTo(40), "the stopped process's, in the folder");
                DeliveryOutbox.RequestReplay(_folder.Path);
                Assert.That(Wait.Until(() => next.Status.Tracked == 40, Long), Is.True, () => next.Status.ToString());
                Assert.That(next.Status.Replayed, Is.EqualTo(40));
                Assert.That(next.Status.RejectedKept, Is.Zero);
            }
            Assert.That(_matomo.TrackedHits().Select(N), Is.EqualTo(Enumerable.Range(0, 40)));
        }

        [TestCase(MatomoLikeUpstream.Fault.Status503)]
        [TestCase(MatomoLikeUpstream.Fault.Status500)]
        [TestCase(MatomoLikeUpstream.Fault.Reset)]
        [TestCase(MatomoLikeUpstream.Fault.Hang)]
        public void A_failing_Matomo_is_retried_with_backoff_and_gets_every_hit_once_when_it_recovers(MatomoLikeUpstream.Fault fault)
        {
            _matomo.Mode = fault;
            using (var outbox = new DeliveryOutbox(Options()))
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                for (int i = 0; i < 120; i++)
                {
                    outbox.Accept(Query(i), null);
                    if (i % 20 == 0) Thread.Sleep(100);
                }
                Thread.Sleep(3000);
                int attempts = _matomo.Attempts;
                double seconds = watch.Elapsed.TotalSeconds;
                MatomoDeliveryStatus during = outbox.Status;
                Assert.That(during.IsFailing, Is.True);
                Assert.That(during.LastError, Is.Not.Null.And.Not.Contains(Token));
                Assert.That(during.WaitingOnDisk, Is.EqualTo(120));
                Assert.That(during.OldestWaitingAge, Is.Not.Null);
                // Waits of 50-100, 100-200, 200-400, then 400-800 ms: at most about 3 + seconds/0.4 attempts, never a tight loop.
                Assert.That(attempts, Is.GreaterThanOrEqualTo(2).And.LessThanOrEqualTo(4 + (int)(seconds / 0.4)), "attempts in " + seconds + " s");
                _matomo.Mode = MatomoLikeUpstream.Fault.None;
                Assert.That(Wait.Until(() => outbox.Status.WaitingOnDisk == 0 && outbox.Status.Delivered == 120, Long), Is.True, () => outbox.Status.ToString());
                Assert.That(outbox.Status.IsFailing, Is.False);
                Assert.That(outbox.Status.Retried, Is.GreaterThanOrEqualTo(attempts - 1));
            }
            Assert.That(_matomo.TrackedHits().Select(N), Is.EqualTo(Enumerable.Range(0, 120)), "each once, in order");
            Assert.That(_log.Count, Is.EqualTo(2), string.Join("\n", _log));
            Assert.That(_log.First(), Does.Contain("failing since"));
            Assert.That(_log.Last(), Does.Contain("works again").And.Contain(" 120 hits waited"));
            Assert.That(string.Join("\n", _log), Does.Not.Contain(Token));
        }

        [Test]
        public void A_batch_whose_answer_is_lost_is_sent_again_and_only_it_arrives_twice()
        {
            _matomo.Mode = MatomoLikeUpstream.Fault.TrackThenReset;
            using (var outbox = new DeliveryOutbox(Options()))
            {
                for (int i = 0; i < 30; i++) outbox.Accept(Query(i), null);
                Assert.That(Wait.Until(() => outbox.Status.Delivered == 30, Long), Is.True, () => outbox.Status.ToString());
                Assert.That(outbox.Status.Retried, Is.EqualTo(1));
            }
            List<int> got = _matomo.TrackedHits().Select(N).ToList();
            int firstBatch = _matomo.Tracked.First().Count;
            int duplicates = got.Count - got.Distinct().Count();
            Assert.That(duplicates, Is.EqualTo(firstBatch), "the batch whose answer was lost, once more; nothing else");
            Assert.That(got.Skip(firstBatch), Is.EqualTo(Enumerable.Range(0, 30)), "then everything once, in order");
        }

        [Test]
        public void A_refused_connection_is_retried_and_the_next_process_delivers_what_shutdown_left()
        {
            Uri refusing = Support.LoopbackUpstream.Refusing();
            var outbox = new DeliveryOutbox(Options(endpoint: new Uri(refusing, "matomo.php")));
            for (int i = 0; i < 300; i++) outbox.Accept(Query(i), null);
            Assert.That(Wait.Until(() => outbox.Status.Retried >= 2 && outbox.Status.WaitingOnDisk == 300, Long), Is.True, () => outbox.Status.ToString());
            Assert.That(outbox.Status.LastError, Does.Contain("connection"));
            var watch = System.Diagnostics.Stopwatch.StartNew();
            outbox.Stop(TimeSpan.FromSeconds(2));
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(6)), "shutdown within a few seconds");

            using (var next = new DeliveryOutbox(Options()))
            {
                Assert.That(Wait.Until(() => next.Status.Delivered == 300, Long), Is.True, () => next.Status.ToString());
                Assert.That(next.Status.AdoptedSpools, Is.EqualTo(1));
            }
            Assert.That(_matomo.TrackedHits().Select(N), Is.EqualTo(Enumerable.Range(0, 300)));
            Assert.That(_folder.Files(), Is.Empty, "a delivered spool leaves no file");
        }

        [Test]
        public void Shutdown_delivers_what_was_accepted_just_before()
        {
            var outbox = new DeliveryOutbox(Options());
            for (int i = 0; i < 1000; i++) outbox.Accept(Query(i), null);
            outbox.Stop(TimeSpan.FromSeconds(5));
            Assert.That(_matomo.TrackedHits().Select(N), Is.EqualTo(Enumerable.Range(0, 1000)));
        }

        [Test]
        public void A_process_that_dies_leaves_its_hits_to_the_one_that_takes_over_after_the_lease()
        {
            _matomo.Mode = MatomoLikeUpstream.Fault.Status503;
            var dying = new DeliveryOutbox(Options());
            for (int i = 0; i < 100; i++) dying.Accept(Query(i), null);
            Assert.That(Wait.Until(() => dying.Status.WaitingOnDisk == 100, Long), Is.True);
            dying.Abandon();
            _matomo.Mode = MatomoLikeUpstream.Fault.None;
            using (var other = new DeliveryOutbox(Options()))
            {
                for (int i = 100; i < 150; i++) other.Accept(Query(i), null);
                Assert.That(Wait.Until(() => other.Status.Delivered == 150, Long), Is.True, () => other.Status.ToString());
            }
            List<int> got = _matomo.TrackedHits().Select(N).ToList();
            Assert.That(got.OrderBy(n => n), Is.EqualTo(Enumerable.Range(0, 150)), "each once");
            Assert.That(got.Where(n => n < 100), Is.Ordered, "the dead process's hits in their order");
            Assert.That(got.Where(n => n >= 100), Is.Ordered);
        }

        [Test]
        public void Accept_from_many_threads_loses_nothing_and_never_throws()
        {
            using (var outbox = new DeliveryOutbox(Options()))
            {
                Parallel.For(0, 16, t =>
                {
                    for (int i = 0; i < 500; i++) outbox.Accept(Query(t * 1000 + i), "198.51.100." + t);
                    outbox.Accept(null, null);
                });
                Assert.That(Wait.Until(() => outbox.Status.Delivered == 16 * 500, Long), Is.True, () => outbox.Status.ToString());
                Assert.That(outbox.Status.Accepted, Is.EqualTo(16 * 501));
            }
            List<int> got = _matomo.TrackedHits().Select(N).ToList();
            Assert.That(got.OrderBy(n => n), Is.EqualTo(Enumerable.Range(0, 16).SelectMany(t => Enumerable.Range(t * 1000, 500))));
            for (int t = 0; t < 16; t++)
                Assert.That(got.Where(n => n / 1000 == t), Is.Ordered, "each thread's hits in its order");
        }

        [Test]
        public void Memory_beyond_its_capacity_drops_and_counts()
        {
            OutboxOptions options = Options();
            options.MemoryCapacity = 10;
            options.Linger = TimeSpan.FromMilliseconds(300);
            using (var outbox = new DeliveryOutbox(options))
            {
                outbox.Accept(Query(0), null);
                Thread.Sleep(50); // the writer lingers with one hit
                for (int i = 1; i < 100; i++) outbox.Accept(Query(i), null);
                Assert.That(Wait.Until(() => outbox.Status.Delivered + outbox.Status.DroppedMemoryFull == 100, Long), Is.True, () => outbox.Status.ToString());
                Assert.That(outbox.Status.DroppedMemoryFull, Is.EqualTo(90));
            }
            Assert.That(_matomo.TrackedHits().Select(N), Is.EqualTo(Enumerable.Range(0, 10)));
        }

        private sealed class UpstreamRequestList : List<Support.UpstreamRequest>
        {
            public UpstreamRequestList(MatomoLikeUpstream matomo) : base(matomo.Received) { }
        }
    }
}

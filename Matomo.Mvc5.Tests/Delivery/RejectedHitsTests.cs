using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Matomo.Mvc5.Delivery;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Delivery
{
    /// <summary>The outbox's dead letters on disk: kept in the spool's record format, bounded, claimed for a replay by
    /// one process, a torn record skipped, a replay asked for once.</summary>
    public class RejectedHitsTests
    {
        private TempFolder _folder;

        [SetUp]
        public void Start() => _folder = new TempFolder();

        [TearDown]
        public void End() => _folder.Dispose();

        private static List<TrackingHit> Hits(int from, int count) =>
            Enumerable.Range(from, count).Select(i => new TrackingHit("idsite=1&rec=1&n=" + i, 636000000000000000L + i * TimeSpan.TicksPerSecond, i % 2 == 0 ? "203.0.113." + i : null)).ToList();

        private RejectedHits Open(string me, long maxBytes = 1024 * 1024, Func<string, bool> alive = null) =>
            new RejectedHits(_folder.Path, me, maxBytes, alive ?? (id => id == me));

        [Test]
        public void Kept_hits_come_back_oldest_first_with_their_time_and_address_and_the_file_goes()
        {
            RejectedHits rejected = Open("p1-a");
            List<TrackingHit> hits = Hits(0, 10);
            Assert.That(rejected.Keep(hits, 5, 5), Is.EqualTo(5));
            Assert.That(rejected.Keep(hits, 0, 5, new[] { 1, 3 }), Is.EqualTo(2));
            Assert.That(rejected.Kept, Is.EqualTo(7));
            Assert.That(_folder.Files(), Is.EqualTo(new[] { "p1-a.rejected" }));

            List<TrackingHit> taken = rejected.Take(out List<string> claimed);
            Assert.That(taken.Select(h => h.Query), Is.EqualTo(new[] { 1, 3, 5, 6, 7, 8, 9 }.Select(i => "idsite=1&rec=1&n=" + i)));
            Assert.That(taken.Select(h => h.AcceptedUtcTicks), Is.EqualTo(new[] { 1, 3, 5, 6, 7, 8, 9 }.Select(i => hits[i].AcceptedUtcTicks)));
            Assert.That(taken.Select(h => h.VisitorAddress), Is.EqualTo(new[] { 1, 3, 5, 6, 7, 8, 9 }.Select(i => hits[i].VisitorAddress)));
            Assert.That(_folder.Files().Single(), Does.StartWith("p1-a.replaying-"), "claimed until the hits are in the spool");
            rejected.Done(claimed);
            Assert.That(_folder.Files(), Is.Empty);
            Assert.That(rejected.Kept, Is.Zero);
        }

        [Test]
        public void A_replay_takes_its_own_file_and_those_of_processes_no_longer_running_but_not_a_running_one()
        {
            Open("p2-dead").Keep(Hits(0, 3), 0, 3);
            Open("p3-live").Keep(Hits(10, 3), 0, 3);
            var alive = new HashSet<string> { "p3-live", "p4-me" };
            RejectedHits me = Open("p4-me", alive: alive.Contains);
            me.Keep(Hits(20, 2), 0, 2);
            Assert.That(me.Kept, Is.EqualTo(8), "every process's, as counted when it opened and since");

            List<TrackingHit> taken = me.Take(out List<string> claimed);
            me.Done(claimed);
            Assert.That(taken.Select(h => h.Query.Split('=').Last()), Is.EqualTo(new[] { "0", "1", "2", "20", "21" }));
            Assert.That(_folder.Files(), Is.EqualTo(new[] { "p3-live.rejected" }));
            Assert.That(me.Kept, Is.EqualTo(3), "the running process's, still kept");
        }

        [Test]
        public void A_file_claimed_by_a_process_that_died_before_it_was_done_is_taken_by_the_next_replay()
        {
            RejectedHits dying = Open("p5-dying");
            dying.Keep(Hits(0, 4), 0, 4);
            dying.Take(out _); // died here: its hits never reached its spool
            Assert.That(_folder.Files().Single(), Does.StartWith("p5-dying.replaying-"));

            RejectedHits next = Open("p6-next");
            Assert.That(next.Kept, Is.EqualTo(4));
            List<TrackingHit> taken = next.Take(out List<string> claimed);
            next.Done(claimed);
            Assert.That(taken, Has.Count.EqualTo(4));
            Assert.That(_folder.Files(), Is.Empty);
        }

        [Test]
        public void A_dead_process_s_file_is_claimed_by_one_of_four_replaying_at_the_same_moment()
        {
            Func<string, bool> alive = id => id.EndsWith("-live", StringComparison.Ordinal);
            List<RejectedHits> replaying = Enumerable.Range(0, 4).Select(i => Open("p" + (i + 1) + "-live", alive: alive)).ToList();
            for (int round = 0; round < 30; round++)
            {
                Open("p9-dead" + round).Keep(Hits(round * 10, 10), 0, 10);
                var together = new Barrier(replaying.Count);
                Task<List<TrackingHit>>[] takes = replaying.Select(r => Task.Factory.StartNew(() =>
                {
                    together.SignalAndWait();
                    List<TrackingHit> hits = r.Take(out List<string> claimed);
                    r.Done(claimed);
                    return hits;
                }, TaskCreationOptions.LongRunning)).ToArray();
                Task.WaitAll(takes);
                Assert.That(takes.SelectMany(t => t.Result).Select(h => h.Query), Is.EqualTo(Hits(round * 10, 10).Select(h => h.Query)), "round " + round + ": each hit once");
                Assert.That(_folder.Files(), Is.Empty);
            }
        }

        [Test]
        public void Beyond_its_limit_a_process_counts_the_refused_hits_it_cannot_keep()
        {
            var one = new MemoryStream();
            SpoolRecord.Write(one, Hits(0, 1)[0]);
            RejectedHits rejected = Open("p7-a", maxBytes: one.Length * 3 + 1);
            Assert.That(rejected.Keep(Hits(0, 2), 0, 2), Is.EqualTo(2));
            Assert.That(rejected.Keep(Hits(2, 3), 0, 3), Is.EqualTo(1));
            Assert.That(rejected.Kept, Is.EqualTo(3));
            Assert.That(rejected.DroppedFull, Is.EqualTo(2));
            Assert.That(rejected.Take(out _).Select(h => h.Query.Split('=').Last()), Is.EqualTo(new[] { "0", "1", "2" }), "the first ones kept");
        }

        [Test]
        public void A_record_torn_in_the_middle_is_skipped_and_the_others_come_back()
        {
            RejectedHits rejected = Open("p8-a");
            rejected.Keep(Hits(0, 3), 0, 3);
            string path = Path.Combine(_folder.Path, "p8-a.rejected");
            byte[] bytes = File.ReadAllBytes(path);
            var first = new MemoryStream();
            SpoolRecord.Write(first, Hits(0, 1)[0]);
            bytes[first.Length + 20] ^= 0xFF; // inside the second record's payload
            File.WriteAllBytes(path, bytes);

            List<TrackingHit> taken = rejected.Take(out _);
            Assert.That(taken.Select(h => h.Query.Split('=').Last()), Is.EqualTo(new[] { "0", "2" }));
            Assert.That(rejected.Torn, Is.EqualTo(1));
        }

        [Test]
        public void A_replay_is_seen_once_by_each_process_and_one_asked_for_before_a_process_started_is_not_its_own()
        {
            RejectedHits.RequestReplay(_folder.Path);
            File.SetLastWriteTimeUtc(Path.Combine(_folder.Path, RejectedHits.RequestFile), DateTime.UtcNow.AddMinutes(-5));
            RejectedHits a = Open("p9-a"), b = Open("p9-b");
            Assert.That(a.ReplayRequested(), Is.False);

            RejectedHits.RequestReplay(_folder.Path);
            Assert.That(a.ReplayRequested(), Is.True);
            Assert.That(a.ReplayRequested(), Is.False, "once");
            Assert.That(b.ReplayRequested(), Is.True, "every process");
        }
    }
}

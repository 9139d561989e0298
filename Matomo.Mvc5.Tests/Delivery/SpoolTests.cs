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
    /// <summary>The spool on a real folder: order, positions, torn records, the size limit, two spools on one folder, take-over.</summary>
    public class SpoolTests
    {
        private TempFolder _folder;

        [SetUp] public void CreateFolder() => _folder = new TempFolder();
        [TearDown] public void RemoveFolder() => _folder.Dispose();

        private OutboxOptions Options(long maxBytes = 100L * 1024 * 1024, long segmentBytes = 4L * 1024 * 1024, int leaseMs = 400) => new OutboxOptions
        {
            Endpoint = new Uri("http://127.0.0.1:1/matomo.php"),
            SpoolFolder = _folder.Path,
            MaxSpoolBytes = maxBytes,
            SegmentBytes = segmentBytes,
            Heartbeat = TimeSpan.FromMilliseconds(leaseMs / 4),
            LeaseTimeout = TimeSpan.FromMilliseconds(leaseMs),
        }.Checked();

        private static List<TrackingHit> Hits(int from, int count, int padding = 0) =>
            Enumerable.Range(from, count).Select(i => new TrackingHit("idsite=1&n=" + i + (padding > 0 ? "&p=" + new string('x', padding) : ""), 630000000000000000L + i, "192.0.2." + (i % 250))).ToList();

        private static int Length(byte[] data, int at)
        {
            Assert.That(SpoolRecord.TryRead(data, at, data.Length, out _, out int length), Is.EqualTo(SpoolRecord.Outcome.Record));
            return length;
        }

        private static int N(TrackingHit hit) => int.Parse(hit.Query.Split('&')[1].Substring(2));

        /// <summary>Reads and commits everything the spool gives, as the sender does.</summary>
        private static List<int> Drain(Spool spool)
        {
            var all = new List<int>();
            Spool.Batch batch;
            while ((batch = spool.Read(64)) != null)
            {
                all.AddRange(batch.Hits.Select(N));
                spool.Commit(batch, batch.Hits.Count);
                spool.EndBatch();
            }
            return all;
        }

        [Test]
        public void Hits_come_back_in_order_across_segments_and_delivered_segments_go()
        {
            using (var spool = new Spool(Options(segmentBytes: 16 * 1024)))
            {
                for (int i = 0; i < 2000; i += 100) spool.Append(Hits(i, 100));
                Assert.That(_folder.Files("*.seg").Length, Is.GreaterThan(3), "several segments");
                Assert.That(spool.Waiting, Is.EqualTo(2000));
                Assert.That(Drain(spool), Is.EqualTo(Enumerable.Range(0, 2000)));
                Assert.That(spool.Waiting, Is.Zero);
                Assert.That(_folder.Files("*.seg").Length, Is.EqualTo(1), "only the segment being written is left");
            }
            Assert.That(_folder.Files(), Is.Empty, "an empty spool is removed at a normal close");
        }

        [Test]
        public void A_batch_committed_in_part_is_read_again_from_where_it_stopped()
        {
            using (var spool = new Spool(Options()))
            {
                spool.Append(Hits(0, 10));
                Spool.Batch batch = spool.Read(10);
                spool.Commit(batch, 4);
                spool.EndBatch();
                Assert.That(spool.Read(10).Hits.Select(N), Is.EqualTo(Enumerable.Range(4, 6)));
            }
        }

        [Test]
        public void What_a_closed_spool_leaves_is_taken_over_at_once_from_its_position()
        {
            var first = new Spool(Options());
            first.Append(Hits(0, 30));
            Spool.Batch batch = first.Read(10);
            first.Commit(batch, 10);
            first.Close(release: true);

            using (var second = new Spool(Options()))
            {
                Assert.That(second.Adopted, Is.EqualTo(1));
                Assert.That(second.Waiting, Is.EqualTo(20));
                Assert.That(Drain(second), Is.EqualTo(Enumerable.Range(10, 20)), "from the committed position, nothing twice");
                second.Heartbeat();
            }
            Assert.That(_folder.Files(), Is.Empty);
        }

        [Test]
        public void A_record_torn_in_the_middle_is_skipped_and_the_rest_delivered()
        {
            var first = new Spool(Options());
            first.Append(Hits(0, 10));
            first.Append(Hits(10, 10));
            first.Close(release: false);
            string segment = Directory.GetFiles(_folder.Path, "*.seg").Single();
            byte[] data = File.ReadAllBytes(segment);
            var starts = new List<int>();
            for (int p = 0; p < data.Length; p += Length(data, p)) starts.Add(p);
            Assert.That(starts.Count, Is.EqualTo(20));
            // Record 5 loses its second half, as if a crash had cut it and the file went on with record 6.
            byte[] torn = data.Take(starts[5] + (starts[6] - starts[5]) / 2).Concat(data.Skip(starts[6])).ToArray();
            File.WriteAllBytes(segment, torn);
            Thread.Sleep(500); // the lease expires

            using (var second = new Spool(Options()))
            {
                Assert.That(second.Adopted, Is.EqualTo(1));
                Assert.That(Drain(second), Is.EqualTo(Enumerable.Range(0, 20).Where(i => i != 5)));
                Assert.That(second.Torn, Is.EqualTo(1));
            }
        }

        [Test]
        public void A_file_truncated_in_the_middle_of_its_last_record_gives_every_whole_record()
        {
            var first = new Spool(Options());
            first.Append(Hits(0, 10));
            first.Close(release: false);
            string segment = Directory.GetFiles(_folder.Path, "*.seg").Single();
            long length = new FileInfo(segment).Length;
            using (var f = new FileStream(segment, FileMode.Open)) f.SetLength(length - 7);
            Thread.Sleep(500);

            using (var second = new Spool(Options()))
            {
                Assert.That(Drain(second), Is.EqualTo(Enumerable.Range(0, 9)));
                Assert.That(second.Torn, Is.EqualTo(1));
                Assert.That(second.Waiting, Is.Zero);
            }
        }

        [Test]
        public void A_taken_over_file_cut_shorter_afterwards_gives_its_whole_records_and_ends()
        {
            var first = new Spool(Options());
            first.Append(Hits(0, 10));
            first.Close(release: true);
            using (var second = new Spool(Options()))
            {
                Assert.That(second.Waiting, Is.EqualTo(10));
                string segment = Directory.GetFiles(_folder.Path, "*.seg").Single(f => !f.Contains(second.Me));
                long length = new FileInfo(segment).Length;
                using (var f = new FileStream(segment, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete)) f.SetLength(length / 2 + 3); // five whole records (they are of one length here) and 3 bytes of the sixth
                Task<List<int>> drain = Task.Run(() => Drain(second));
                Assert.That(drain.Wait(TimeSpan.FromSeconds(10)), Is.True, "reading ends");
                Assert.That(drain.Result, Is.EqualTo(Enumerable.Range(0, drain.Result.Count)));
                Assert.That(drain.Result.Count, Is.EqualTo(5));
                Assert.That(second.Torn, Is.EqualTo(1));
                Assert.That(Directory.GetFiles(_folder.Path, "*.seg").Where(f => !f.Contains(second.Me)), Is.Empty, "the taken-over spool is done with");
            }
        }

        [Test]
        public void A_full_spool_drops_the_oldest_and_counts_them()
        {
            // 64 KB in segments of 16 KB (the least), records of about 1 KB.
            using (var spool = new Spool(Options(maxBytes: 64 * 1024, segmentBytes: 16 * 1024)))
            {
                for (int i = 0; i < 300; i += 10) spool.Append(Hits(i, 10, padding: 1000));
                long bytes = _folder.Files("*.seg").Sum(f => new FileInfo(Path.Combine(_folder.Path, f)).Length);
                Assert.That(bytes, Is.LessThanOrEqualTo(64 * 1024));
                List<int> left = Drain(spool);
                Assert.That(spool.DroppedFull + left.Count, Is.EqualTo(300), "every hit delivered or counted as dropped");
                Assert.That(spool.DroppedFull, Is.GreaterThan(0));
                Assert.That(left, Is.EqualTo(Enumerable.Range(300 - left.Count, left.Count)), "the newest kept, in order");
            }
        }

        [Test]
        public void The_batch_being_sent_is_not_dropped_from_under_the_sender()
        {
            using (var spool = new Spool(Options(maxBytes: 64 * 1024, segmentBytes: 16 * 1024)))
            {
                spool.Append(Hits(0, 10, padding: 1000));
                Spool.Batch sending = spool.Read(5);
                for (int i = 10; i < 300; i += 10) spool.Append(Hits(i, 10, padding: 1000));
                spool.Commit(sending, 5);
                spool.EndBatch();
                List<int> rest = Drain(spool);
                Assert.That(sending.Hits.Select(N), Is.EqualTo(Enumerable.Range(0, 5)));
                Assert.That(rest.Take(5), Is.EqualTo(Enumerable.Range(5, 5)), "the segment being sent stays");
                Assert.That(5 + rest.Count + spool.DroppedFull, Is.EqualTo(300));
            }
        }

        [Test]
        public void Two_spools_on_one_folder_each_deliver_their_own_once()
        {
            using (var a = new Spool(Options(leaseMs: 10000)))
            using (var b = new Spool(Options(leaseMs: 10000)))
            {
                Task wa = Task.Run(() => { for (int i = 0; i < 1000; i += 50) a.Append(Hits(i, 50)); });
                Task wb = Task.Run(() => { for (int i = 1000; i < 2000; i += 50) b.Append(Hits(i, 50)); });
                Task.WaitAll(wa, wb);
                a.Heartbeat();
                b.Heartbeat();
                Assert.That(a.Adopted + b.Adopted, Is.Zero, "live processes are not taken over");
                Assert.That(Drain(a), Is.EqualTo(Enumerable.Range(0, 1000)));
                Assert.That(Drain(b), Is.EqualTo(Enumerable.Range(1000, 1000)));
            }
        }

        [Test]
        public void A_process_that_stalled_past_its_lease_and_lost_its_spool_says_so_once()
        {
            var lines = new List<string>();
            OutboxOptions stalledOptions = Options(leaseMs: 400);
            stalledOptions.Log = lines.Add;
            using (var stalled = new Spool(stalledOptions))
            {
                stalled.Append(Hits(0, 5));
                Thread.Sleep(600); // no heartbeat: as if the process had stalled
                using (var other = new Spool(Options(leaseMs: 400)))
                {
                    Assert.That(other.Adopted, Is.EqualTo(1));
                    stalled.Heartbeat();
                    stalled.Heartbeat();
                    Assert.That(lines.Count, Is.EqualTo(1), string.Join("\n", lines));
                    Assert.That(lines[0], Does.Contain("took over"));
                }
            }
        }

        [Test]
        public void Round_after_round_a_dead_spool_is_taken_over_by_one_of_four_that_look_at_the_same_moment()
        {
            // The same race, 40 times: each round a process dies (its lease made old at once) and four live ones look at
            // the same moment. With a claim two can win (Mono's File.Move did), the dead one's hits are delivered twice.
            var contenders = Enumerable.Range(0, 4).Select(_ => new Spool(Options(leaseMs: 10000))).ToList();
            try
            {
                for (int round = 0; round < 40; round++)
                {
                    var dead = new Spool(Options(leaseMs: 10000));
                    dead.Append(Hits(round * 10, 10));
                    dead.Close(release: false);
                    File.SetLastWriteTimeUtc(Path.Combine(_folder.Path, dead.Me + Spool.LeaseSuffix), DateTime.UtcNow.AddHours(-1));
                    long before = contenders.Sum(c => c.Adopted);
                    for (int look = 0; look < 5 && contenders.Sum(c => c.Adopted) == before; look++)
                    {
                        var together = new Barrier(contenders.Count);
                        Task[] looks = contenders.Select(c => Task.Factory.StartNew(() => { together.SignalAndWait(); c.Heartbeat(); }, TaskCreationOptions.LongRunning)).ToArray();
                        Task.WaitAll(looks);
                    }
                    Assert.That(contenders.Sum(c => c.Adopted) - before, Is.EqualTo(1), "round " + round + ": taken over once");
                    Assert.That(contenders.SelectMany(Drain).OrderBy(n => n), Is.EqualTo(Enumerable.Range(round * 10, 10)), "round " + round + ": each hit once");
                }
            }
            finally
            {
                foreach (Spool c in contenders) c.Dispose();
            }
        }

        [Test]
        public void A_dead_spool_is_taken_over_by_exactly_one_of_those_that_look_after_the_lease_expires()
        {
            // Lease 1 s: the dead spool's is 0.6 s old when the contenders start (not yet expired), 1.2 s when they
            // look (expired), while theirs are 0.6 s old (alive).
            var dead = new Spool(Options(leaseMs: 1000));
            dead.Append(Hits(0, 100));
            dead.Close(release: false);
            Thread.Sleep(600);
            var contenders = Enumerable.Range(0, 4).Select(_ => new Spool(Options(leaseMs: 1000))).ToList();
            try
            {
                Assert.That(contenders.Sum(c => c.Adopted), Is.Zero, "not before the lease expires");
                Thread.Sleep(600);
                // All four look at once, round after round until one has it (a round can end with none: in one
                // process, the in-process file sharing check may find the dead spool's files busy, and the marker is
                // given back); never more than one.
                for (int round = 0; round < 5 && contenders.Sum(c => c.Adopted) == 0; round++)
                {
                    var start = new ManualResetEventSlim();
                    Task[] looks = contenders.Select(c => Task.Run(() => { start.Wait(); c.Heartbeat(); })).ToArray();
                    start.Set();
                    Task.WaitAll(looks);
                }
                Assert.That(contenders.Sum(c => c.Adopted), Is.EqualTo(1));
                Assert.That(contenders.SelectMany(Drain), Is.EqualTo(Enumerable.Range(0, 100)));
            }
            finally
            {
                foreach (Spool c in contenders) c.Dispose();
            }
        }
    }
}

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.EndToEnd
{
    /// <summary>
    /// The delivery outbox in real processes (Matomo.Mvc5.Tests.OutboxHost under mono) against the Matomo stand-in
    /// (a process of its own): Matomo down for 60 s while hits arrive; one process killed with <c>kill -9</c> 100 ms
    /// after its last hit, during the outage; two processes started on the same spool folder, one of which takes
    /// over the dead one's spool; then Matomo up. Every hit is tracked exactly once (judged by the stand-in's verdicts,
    /// with a token it accepts), in each process's order, with the time it was accepted as <c>cdt</c>.
    /// </summary>
    [TestFixture, NonParallelizable, Category("EndToEnd")]
    public class OutboxProcessTests
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
        private static readonly long Epoch = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
        private const string Token = "the-write-token";

        private static void Fault(Standin standin, string mode)
        {
            var status = Http.Send("POST", standin.BaseUrl + "standin/fault?mode=" + mode, out string body);
            Assert.That((int)status, Is.LessThan(300), "fault " + mode + ": " + body);
        }

        [Test]
        public void Matomo_down_for_a_minute_and_a_process_killed_meanwhile_lose_nothing_and_duplicate_nothing()
        {
            string folder = Path.Combine(SampleHost.RunDirectory, "outbox-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            using (var standinProcess = new StandinProcess("--capacity", "100000", "--token", Token))
            {
                var standin = new Standin(standinProcess.WaitUntilListening(Timeout));
                Fault(standin, "unavailable");
                var outage = Stopwatch.StartNew();
                string[] common = { "--folder", folder, "--endpoint", standin.BaseUrl + "matomo.php", "--token", Token, "--lease-ms", "3000", "--retry-max-ms", "4000" };
                var acceptedAt = new Dictionary<int, long>();
                Action<string> record = line =>
                {
                    string[] parts = line.Split(' ');
                    if (parts[0] == "accepted") lock (acceptedAt) acceptedAt[int.Parse(parts[1], CultureInfo.InvariantCulture)] = long.Parse(parts[2], CultureInfo.InvariantCulture);
                };

                using (var dying = new OutboxHostProcess(common.Concat(new[] { "--from", "0", "--count", "300", "--every-ms", "5" }).ToArray()))
                {
                    dying.WaitFor("accepted 299", Timeout, record);
                    Thread.Sleep(100);
                    dying.Kill9();
                }
                using (var b = new OutboxHostProcess(common.Concat(new[] { "--from", "1000", "--count", "200", "--every-ms", "5" }).ToArray()))
                using (var c = new OutboxHostProcess(common.Concat(new[] { "--from", "2000", "--count", "200", "--every-ms", "5" }).ToArray()))
                {
                    b.WaitFor("done", Timeout, record);
                    c.WaitFor("done", Timeout, record);
                    Assert.That(Answered(standin), Is.Empty, "nothing tracked while Matomo is down");
                    TimeSpan left = TimeSpan.FromSeconds(60) - outage.Elapsed;
                    if (left > TimeSpan.Zero) Thread.Sleep(left);
                    int failedAttempts = standin.All().Count(e => e.Kind == "hit" && e.Fault != null);
                    Fault(standin, "none");
                    TimeSpan outageLength = outage.Elapsed;

                    var clock = Stopwatch.StartNew();
                    while (clock.Elapsed < Timeout && Judged(standin).Select(h => N(h.Hit)).Distinct().Count() < 700) Thread.Sleep(500);
                    Thread.Sleep(1000); // anything sent twice would arrive by now
                    List<(Dictionary<string, string> Hit, string Verdict)> judged = Judged(standin);
                    Assert.That(judged.Select(h => h.Verdict).Distinct(), Is.EqualTo(new[] { "tracked" }), "what Matomo made of each hit");
                    List<Dictionary<string, string>> hits = judged.Select(h => h.Hit).ToList();
                    List<int> numbers = hits.Select(N).ToList();
                    int duplicates = numbers.Count - numbers.Distinct().Count();
                    TestContext.Progress.WriteLine($"outbox processes: {numbers.Count} hits tracked, {duplicates} duplicates, {failedAttempts} bulk attempts refused during the {outageLength.TotalSeconds:0} s outage");

                    if (duplicates > 0)
                    {
                        // What tells a double take-over from re-sent batches: which bulk requests carried the copies, and what each process said.
                        var twice = new HashSet<int>(numbers.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key));
                        foreach (Received bulk in Answered(standin).Where(e => e.Requests.Any(h => twice.Contains(N(h)))))
                            TestContext.Progress.WriteLine($"bulk {bulk.Id}: {bulk.Requests.Count} entries, {bulk.Requests.Count(h => twice.Contains(N(h)))} duplicated, first n={N(bulk.Requests[0])}");
                        TestContext.Progress.WriteLine("B said:\n" + string.Join("\n", b.Errors) + "\nC said:\n" + string.Join("\n", c.Errors));
                    }
                    var expected = Enumerable.Range(0, 300).Concat(Enumerable.Range(1000, 200)).Concat(Enumerable.Range(2000, 200)).ToList();
                    Assert.That(numbers.Distinct().OrderBy(n => n), Is.EqualTo(expected), "every hit arrived");
                    Assert.That(duplicates, Is.Zero, "no answer was lost here, so nothing may be tracked twice");
                    foreach (int process in new[] { 0, 1, 2 })
                        Assert.That(numbers.Where(n => n / 1000 == process), Is.Ordered, "process " + process + "'s hits in their order");
                    foreach (Dictionary<string, string> hit in hits)
                    {
                        int n = N(hit);
                        Assert.That(hit["cdt"], Is.EqualTo(((acceptedAt[n] - Epoch) / TimeSpan.TicksPerSecond).ToString(CultureInfo.InvariantCulture)), "cdt of " + n);
                        Assert.That(hit["cip"], Is.EqualTo("203.0.113." + (n % 250)));
                        Assert.That(hit.ContainsKey("token_auth"), Is.False);
                    }
                    Assert.That(failedAttempts, Is.LessThan(200), "backoff, not a tight loop");

                    string statusB = b.Stop(TimeSpan.FromSeconds(10)), statusC = c.Stop(TimeSpan.FromSeconds(10));
                    TestContext.Progress.WriteLine("B: " + statusB + "\nC: " + statusC);
                    // Together they delivered what all three accepted (the dead one's 300 by whichever took it over), and Matomo tracked each.
                    Dictionary<string, long> countsB = Counts(statusB), countsC = Counts(statusC);
                    Assert.That(countsB["accepted"] + countsC["accepted"], Is.EqualTo(400));
                    Assert.That(countsB["delivered"] + countsC["delivered"], Is.EqualTo(300 + 400), statusB + "\n" + statusC);
                    Assert.That(countsB["tracked"] + countsC["tracked"], Is.EqualTo(700), statusB + "\n" + statusC);
                    Assert.That(countsB["rejected"] + countsC["rejected"], Is.Zero, statusB + "\n" + statusC);
                    Assert.That(b.Errors.Count(l => l.Contains("failing since")) + c.Errors.Count(l => l.Contains("failing since")), Is.EqualTo(2), "one line per process when the outage starts");
                    Assert.That(b.Errors.Count(l => l.Contains("works again")) + c.Errors.Count(l => l.Contains("works again")), Is.EqualTo(2), "and one when it ends");
                }
            }
            Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName), Is.Empty, "nothing is left once everything is delivered and both stopped");
            Directory.Delete(folder, true);
        }

        [Test]
        public void A_recycled_process_and_a_killed_one_whose_last_record_was_torn_leave_everything_else_to_the_next()
        {
            string folder = Path.Combine(SampleHost.RunDirectory, "outbox-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            using (var standinProcess = new StandinProcess("--capacity", "100000"))
            {
                var standin = new Standin(standinProcess.WaitUntilListening(Timeout));
                Fault(standin, "unavailable");
                string[] common = { "--folder", folder, "--endpoint", standin.BaseUrl + "matomo.php", "--lease-ms", "3000", "--retry-max-ms", "2000" };

                string recycledOwner, killedOwner;
                using (var recycled = new OutboxHostProcess(common.Concat(new[] { "--from", "0", "--count", "100", "--every-ms", "2" }).ToArray()))
                {
                    recycledOwner = recycled.WaitFor("ready", Timeout).Split(' ')[1];
                    recycled.WaitFor("done", Timeout);
                    string stopped = recycled.Stop(TimeSpan.FromSeconds(10)); // what an application recycle does
                    Assert.That(stopped, Does.Contain("waiting=0+100"), stopped);
                }
                using (var killed = new OutboxHostProcess(common.Concat(new[] { "--from", "1000", "--count", "100", "--every-ms", "2" }).ToArray()))
                {
                    killedOwner = killed.WaitFor("ready", Timeout).Split(' ')[1];
                    killed.WaitFor("accepted 1099", Timeout);
                    Thread.Sleep(100);
                    killed.Kill9();
                }
                // The killed process's segment loses the end of its last record, as a crash in the middle of a write leaves it.
                string segment = Directory.GetFiles(folder, killedOwner + ".*.seg").Single();
                using (var f = new FileStream(segment, FileMode.Open)) f.SetLength(f.Length - 7);
                Assert.That(Directory.GetFiles(folder, recycledOwner + ".*.seg"), Is.Not.Empty, "the recycled process left its hits in the spool");

                Fault(standin, "none");
                using (var next = new OutboxHostProcess(common.Concat(new[] { "--count", "0" }).ToArray()))
                {
                    next.WaitFor("ready", Timeout);
                    List<int> numbers = null;
                    var expected = Enumerable.Range(0, 100).Concat(Enumerable.Range(1000, 99)).ToList();
                    var clock = Stopwatch.StartNew();
                    while (clock.Elapsed < Timeout)
                    {
                        numbers = Judged(standin).Where(h => h.Verdict == "tracked").Select(h => N(h.Hit)).ToList();
                        if (numbers.Distinct().Count() >= expected.Count) break;
                        Thread.Sleep(300);
                    }
                    Assert.That(numbers, Is.EqualTo(expected), "the recycled process's hits, then the killed one's but its torn last one, each tracked once, in order");
                    Assert.That(Judged(standin).Select(h => h.Verdict).Distinct(), Is.EqualTo(new[] { "tracked" }));
                    next.Send("status");
                    string status = next.WaitFor("status", Timeout);
                    Assert.That(status, Does.Contain("torn=1"), status);
                    next.Stop(TimeSpan.FromSeconds(10));
                }
            }
            Assert.That(Directory.GetFiles(folder), Is.Empty, "nothing is left once everything is delivered");
            Directory.Delete(folder, true);
        }

        private static int N(Dictionary<string, string> hit) => int.Parse(hit["n"], CultureInfo.InvariantCulture);

        /// <summary>The bulk requests the stand-in answered itself (no fault), in order of arrival.</summary>
        private static List<Received> Answered(Standin standin) =>
            standin.All().Where(e => e.Kind == "hit" && e.Fault == null && e.Status == 200 && e.Requests != null).OrderBy(e => e.Id).ToList();

        /// <summary>Every hit of those requests with what Matomo made of it ("tracked", "invalid: ..."), in order.</summary>
        private static List<(Dictionary<string, string> Hit, string Verdict)> Judged(Standin standin) =>
            Answered(standin).SelectMany(e => e.Requests.Select((hit, i) => (hit, e.Verdicts[i].ToString()))).ToList();

        /// <summary>The counts of an outbox status line ("accepted=200 delivered=500 tracked=500 rejected=0 ...").</summary>
        private static Dictionary<string, long> Counts(string status) =>
            System.Text.RegularExpressions.Regex.Matches(status, @"(?<![(,\w])(\w+)=(\d+)").Cast<System.Text.RegularExpressions.Match>()
                .ToDictionary(m => m.Groups[1].Value, m => long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    }
}

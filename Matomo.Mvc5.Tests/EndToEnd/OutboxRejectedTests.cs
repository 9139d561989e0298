using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Matomo.Mvc5.Delivery;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.EndToEnd
{
    /// <summary>
    /// Hits Matomo refuses because of a setting are kept, not lost: the outbox with a token Matomo does not accept
    /// (the stand-in, a process of its own, judges each bulk entry as Matomo's Request.php does: <c>cip</c> without a
    /// valid token is invalid), then the application restarted with the right token and a replay asked for: every hit
    /// is tracked once, in order, with the time it was first accepted.
    /// </summary>
    [TestFixture, NonParallelizable, Category("EndToEnd")]
    public class OutboxRejectedTests
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
        private static readonly long Epoch = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

        private static OutboxOptions Options(string folder, Standin standin, string token, ConcurrentQueue<string> log) => new OutboxOptions
        {
            Endpoint = new Uri(standin.BaseUrl + "matomo.php"),
            TokenAuth = token,
            SpoolFolder = folder,
            Heartbeat = TimeSpan.FromMilliseconds(200),
            LeaseTimeout = TimeSpan.FromSeconds(2),
            Log = log.Enqueue,
        };

        [Test]
        public void Hits_refused_for_a_token_without_write_access_are_kept_and_tracked_once_the_token_is_fixed_and_a_replay_asked_for()
        {
            string folder = Path.Combine(SampleHost.RunDirectory, "outbox-" + Guid.NewGuid().ToString("N"));
            var log = new ConcurrentQueue<string>();
            long start = DateTime.UtcNow.Ticks - TimeSpan.TicksPerHour * 30; // older than a day: Matomo wants the token for these too
            using (var standinProcess = new StandinProcess("--token", "the-write-token"))
            {
                var standin = new Standin(standinProcess.WaitUntilListening(Timeout));
                using (var outbox = new DeliveryOutbox(Options(folder, standin, "a-view-only-token", log)))
                {
                    for (int i = 0; i < 120; i++)
                        outbox.Accept("idsite=1&rec=1&action_name=p" + i + "&n=" + i, start + i * TimeSpan.TicksPerMinute, "203.0.113." + (i % 250));
                    Assert.That(Delivery.Wait.Until(() => outbox.Status.Rejected == 120, Timeout), Is.True, () => outbox.Status.ToString());
                    MatomoDeliveryStatus status = outbox.Status;
                    Assert.That(status.Tracked, Is.Zero);
                    Assert.That(status.RejectedKept, Is.EqualTo(120), status.ToString());
                    Assert.That(status.RejectedNotKept, Is.Zero);
                }
                List<string> verdicts = Bulk(standin).SelectMany(e => e.Verdicts.Select(v => v.ToString())).ToList();
                Assert.That(verdicts, Has.Count.EqualTo(120));
                Assert.That(verdicts.All(v => v.StartsWith("invalid", StringComparison.Ordinal)), Is.True, string.Join("\n", verdicts.Distinct()));
                Assert.That(log.Count(l => l.Contains("refused each of the")), Is.EqualTo(1), string.Join("\n", log));
                Assert.That(string.Join("\n", log), Does.Not.Contain("a-view-only-token"));
                standin.Clear();

                using (var next = new DeliveryOutbox(Options(folder, standin, "the-write-token", log)))
                {
                    Assert.That(next.Status.RejectedKept, Is.EqualTo(120));
                    DeliveryOutbox.RequestReplay(folder);
                    Assert.That(Delivery.Wait.Until(() => next.Status.Tracked == 120, Timeout), Is.True, () => next.Status.ToString());
                    Assert.That(next.Status.Replayed, Is.EqualTo(120));
                    Assert.That(next.Status.RejectedKept, Is.Zero);
                }
                List<Received> bulks = Bulk(standin);
                List<Dictionary<string, string>> hits = bulks.SelectMany(e => e.Requests).ToList();
                Assert.That(hits.Select(h => int.Parse(h["n"], CultureInfo.InvariantCulture)), Is.EqualTo(Enumerable.Range(0, 120)), "each once, in order");
                Assert.That(bulks.SelectMany(e => e.Verdicts).Select(v => v.ToString()).Distinct(), Is.EqualTo(new[] { "tracked" }));
                foreach (Dictionary<string, string> hit in hits)
                {
                    int n = int.Parse(hit["n"], CultureInfo.InvariantCulture);
                    Assert.That(hit["cdt"], Is.EqualTo(((start + n * TimeSpan.TicksPerMinute - Epoch) / TimeSpan.TicksPerSecond).ToString(CultureInfo.InvariantCulture)));
                    Assert.That(hit["cip"], Is.EqualTo("203.0.113." + (n % 250)));
                }
            }
            Assert.That(Directory.GetFiles(folder).Where(f => Path.GetFileName(f) != RejectedHits.RequestFile), Is.Empty, "nothing kept once everything is tracked");
            Directory.Delete(folder, true);
        }

        private static List<Received> Bulk(Standin standin) =>
            standin.All().Where(e => e.Kind == "hit" && e.Fault == null && e.Requests != null).OrderBy(e => e.Id).ToList();
    }
}

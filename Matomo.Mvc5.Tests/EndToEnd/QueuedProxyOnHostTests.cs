using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;
using static Matomo.Mvc5.Tests.EndToEnd.ProxyOnHostTests;

namespace Matomo.Mvc5.Tests.EndToEnd
{
    /// <summary>
    /// The tracker proxy in <c>queued</c> mode (<c>matomo:ProxyDelivery</c>'s default) under the real host (nginx +
    /// fastcgi-mono-server4), in front of a Matomo stand-in this fixture runs itself: the browser is answered at once
    /// and the outbox delivers. Matomo refusing connections for 60 s while hits arrive, then up: every hit arrives once,
    /// in order, with the time it reached the site as its <c>cdt</c>, tracked. Matomo hanging: every tracking request
    /// is answered at once and the site's pages keep answering.
    /// </summary>
    [TestFixture, NonParallelizable, Category("EndToEnd")]
    public class QueuedProxyOnHostTests
    {
        private const string Token = "0123456789abcdef0123456789abcdef";
        private const string StandinBase = "/matomo/";
        private const string UserAgent = "Mozilla/5.0 (X11; Linux x86_64) QueuedProxyOnHostTests/1";

        private StandinProcess _standinProcess;
        private Standin _standin;
        private SampleHost _host;
        private ProxyHost _proxyHost;

        [OneTimeSetUp]
        public void Start()
        {
            _standinProcess = new StandinProcess("--base", StandinBase);
            string standinUrl = _standinProcess.WaitUntilListening(TimeSpan.FromSeconds(60));
            _standin = new Standin(standinUrl);
            _proxyHost = new ProxyHost("queued-proxy-host", _standinProcess, StandinBase, standinUrl, new Dictionary<string, string>
            {
                ["matomo:ProxyTokenAuth"] = Token,
            });
            _host = _proxyHost.Host;
        }

        [OneTimeTearDown]
        public void Stop()
        {
            try { _proxyHost?.Dispose(); }
            finally
            {
                _standinProcess?.Dispose();
                SampleHost.DeleteRunDirectory();
            }
        }

        [SetUp]
        public void MatomoUp()
        {
            SetFault("none");
            _standin.Clear();
        }

        private void SetFault(string mode)
        {
            HttpStatusCode status = Http.Send("POST", _standin.BaseUrl + "standin/fault?mode=" + mode, out string body);
            if (status != HttpStatusCode.NoContent) throw new InvalidOperationException("fault " + mode + ": " + status + " " + body);
        }

        /// <summary>Every bulk entry the stand-in received, in the order received, with its verdict.</summary>
        private static List<(Dictionary<string, string> Entry, string Verdict)> Entries(IEnumerable<Received> all) =>
            all.Where(r => r.Kind == "hit" && r.Requests != null)
                .SelectMany(r => r.Requests.Select((e, i) => (e, r.Verdicts != null && i < r.Verdicts.Count ? r.Verdicts[i].ToString() : null)))
                .ToList();

        private static string Value(Dictionary<string, string> entry, string name) => entry.TryGetValue(name, out string v) ? v : null;

        private static HttpClient BrowserLikeClient()
        {
            var client = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", UserAgent);
            client.DefaultRequestHeaders.TryAddWithoutValidation("Accept-Language", "fr-CH");
            return client;
        }

        private string Hit(string action, int n) =>
            _host.Url("/insights/matomo.php?idsite=42&rec=1&send_image=0&action_name=" + action + "&n=" + n.ToString(CultureInfo.InvariantCulture)
                      + "&url=" + Uri.EscapeDataString(_host.Url("/")) + "&_id=0123456789abcdef&cdt=946684800");

        [Test]
        public void Matomo_refusing_connections_for_60_s_then_up_every_hit_arrives_once_in_order_with_the_time_it_reached_the_site()
        {
            const int hits = 120;
            var window = new (long First, long Last)[hits];
            var outage = Stopwatch.StartNew();
            SetFault("refuse&ms=60000");
            using (HttpClient client = BrowserLikeClient())
            {
                for (int n = 0; n < hits; n++)
                {
                    long first = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                    using (HttpResponseMessage response = client.GetAsync(Hit("outage", n)).GetAwaiter().GetResult())
                        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), "hit " + n + " answered by the proxy");
                    window[n] = (first, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
                    Thread.Sleep(150);
                }
            }
            TimeSpan sending = outage.Elapsed;
            TestContext.Progress.WriteLine("queued: {0} hits sent through the proxy in {1:F1} s of the stand-in's 60 s refusal", hits, sending.TotalSeconds);
            // The stand-in listens again 60 s after the fault was set; the outbox retries with its backoff (at most 60 s).
            TimeSpan rest = TimeSpan.FromSeconds(61) - outage.Elapsed;
            if (rest > TimeSpan.Zero) Thread.Sleep(rest);
            _standin.WaitFor("every hit delivered by the outbox", TimeSpan.FromSeconds(150),
                all => Entries(all).Count(e => Value(e.Entry, "action_name") == "outage") >= hits);
            Thread.Sleep(TimeSpan.FromSeconds(3)); // anything sent twice would be here by now
            List<(Dictionary<string, string> Entry, string Verdict)> delivered =
                Entries(_standin.All()).Where(e => Value(e.Entry, "action_name") == "outage").ToList();
            TestContext.Progress.WriteLine("queued: delivered {0} hits {1:F1} s after the refusal began, in {2} bulk requests",
                delivered.Count, outage.Elapsed.TotalSeconds, _standin.All().Count(r => r.Kind == "hit" && r.Requests != null));

            Assert.That(sending, Is.LessThan(TimeSpan.FromSeconds(60)), "the hits were sent while Matomo refused connections");
            Assert.That(delivered.Select(e => int.Parse(Value(e.Entry, "n"), CultureInfo.InvariantCulture)), Is.EqualTo(Enumerable.Range(0, hits)),
                "every hit once, in the order it reached the site");
            Assert.That(delivered.Select(e => e.Verdict), Is.All.EqualTo("tracked"), "Matomo tracks each (the stand-in's verdicts)");
            for (int n = 0; n < hits; n++)
            {
                Dictionary<string, string> entry = delivered[n].Entry;
                long cdt = long.Parse(Value(entry, "cdt"), CultureInfo.InvariantCulture);
                Assert.That(cdt, Is.InRange(window[n].First, window[n].Last), "hit " + n + ": the time it reached the site, not the browser's cdt nor the delivery's");
                Assert.That(Value(entry, "cip"), Is.EqualTo("127.0.0.1"), "the visitor's address");
                Assert.That(Value(entry, "ua"), Is.EqualTo(UserAgent), "the browser's User-Agent, as a parameter");
                Assert.That(Value(entry, "lang"), Is.EqualTo("fr-CH"), "the browser's Accept-Language, as a parameter");
                Assert.That(Value(entry, "token_auth"), Is.Null, "the token only at the top of the bulk body");
            }
            Assert.That(_standin.All().Where(r => r.Kind == "hit").Select(r => r.Target), Has.None.Contains("token_auth"));
        }

        /// <summary>200 tracking requests at once through the proxy, with the site's pages sampled meanwhile.</summary>
        private (PageSample Pages, Task<(HttpStatusCode Status, TimeSpan Took)>[] Tracking) Burst(string action, string page, int trackingRequests, int pages, int pageClients)
        {
            using (HttpClient client = BrowserLikeClient())
            {
                Task<(HttpStatusCode Status, TimeSpan Took)>[] tracking = Enumerable.Range(0, trackingRequests).Select(i => TimedAsync(client, Hit(action, i))).ToArray();
                PageSample during = Sample(page, pages, pageClients);
                // Answered by the proxy while Matomo still hangs (the fault is lifted only after this); a direct proxy
                // would hold each until its timeout.
                Assert.That(Task.WaitAll(tracking, TimeSpan.FromSeconds(30)), Is.True, "every tracking request was answered");
                return (during, tracking);
            }
        }

        private static string Milliseconds(Task<(HttpStatusCode Status, TimeSpan Took)>[] tracking)
        {
            double[] took = tracking.Select(t => t.Result.Took.TotalMilliseconds).OrderBy(m => m).ToArray();
            return string.Format(CultureInfo.InvariantCulture, "{0:F1} ms (p50) to {1:F1} ms (max)", took[took.Length / 2], took[took.Length - 1]);
        }

        [Test]
        public void Matomo_hanging_every_tracking_request_is_answered_at_once_and_the_sites_pages_keep_answering()
        {
            const int trackingRequests = 200, pages = 100, pageClients = 4;
            string page = _host.Url("/");
            Sample(page, 20, pageClients); // warm-up
            PageSample baseline = Sample(page, pages, pageClients);
            // The same burst with Matomo answering: what the 200 requests themselves cost the host's 2 cores.
            var (up, upTracking) = Burst("up", page, trackingRequests, pages, pageClients);

            SetFault("hang");
            var (hanging, tracking) = Burst("hang", page, trackingRequests, pages, pageClients);
            IReadOnlyList<Received> atMatomo = _standin.WaitFor("the outbox's bulk request hanging at Matomo", TimeSpan.FromSeconds(20),
                all => all.Any(r => r.Kind == "hit" && r.Requests != null && r.Fault == "hang"));
            Assert.That(atMatomo.Where(r => r.Kind == "hit").Select(r => r.Requests != null), Is.All.True, "only the outbox talks to Matomo");
            SetFault("none");

            TestContext.Progress.WriteLine(
                "queued: ordinary page {0} ({1} requests, {2} clients): alone p50 {3:F1} ms, p99 {4:F1} ms; beside {5} tracking requests with Matomo up: p50 {6:F1} ms, p99 {7:F1} ms (tracking {8}); with Matomo hanging: p50 {9:F1} ms, p99 {10:F1} ms (tracking {11})",
                new Uri(page).AbsolutePath, pages, pageClients, baseline.P50, baseline.P99, trackingRequests,
                up.P50, up.P99, Milliseconds(upTracking), hanging.P50, hanging.P99, Milliseconds(tracking));
            Assert.That(baseline.Statuses.Concat(up.Statuses), Is.All.EqualTo(HttpStatusCode.OK));
            Assert.That(hanging.Statuses, Is.All.EqualTo(HttpStatusCode.OK), "the pages answered while Matomo hung");
            Assert.That(upTracking.Concat(tracking).Select(t => t.Result.Status), Is.All.EqualTo(HttpStatusCode.NoContent));

            // Matomo answers again: the outbox delivers every hit (a batch whose answer the hang swallowed may come twice).
            IReadOnlyList<Received> after = _standin.WaitFor("every hit delivered once Matomo answers", TimeSpan.FromSeconds(150),
                all => Entries(all).Where(e => Value(e.Entry, "action_name") == "hang" && e.Verdict == "tracked")
                    .Select(e => Value(e.Entry, "n")).Distinct().Count() >= trackingRequests);
            Assert.That(Entries(after).Where(e => Value(e.Entry, "action_name") == "hang" && e.Verdict == "tracked").Select(e => Value(e.Entry, "n")).Distinct().Count(),
                Is.EqualTo(trackingRequests));
        }
    }
}

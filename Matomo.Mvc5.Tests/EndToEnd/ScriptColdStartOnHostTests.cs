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

namespace Matomo.Mvc5.Tests.EndToEnd
{
    /// <summary>
    /// The tracker script before it is cached, on the real host (nginx + fastcgi-mono-server4, where every waiting
    /// request keeps a thread): the proxy asks Matomo for it as it starts, before any visitor; and 200 visitors asking
    /// for it at once while Matomo takes seconds to answer leave the site's pages answering. Before the fix every one of
    /// them waited on the one fetch, holding a thread each, and the pages (and the fetch's own completion) starved.
    /// </summary>
    [TestFixture, NonParallelizable, Category("EndToEnd")]
    public class ScriptColdStartOnHostTests
    {
        private const string StandinBase = "/matomo/";
        /// <summary>How long the stand-in takes to answer while the crowd asks for the script.</summary>
        private static readonly TimeSpan Slow = TimeSpan.FromSeconds(3);
        /// <summary>The proxy's rest after a failed fetch (TrackerProxyOptions.RetryAfterFailure), and a margin.</summary>
        /// <summary>What a page may take beyond the fetch while 200 requests arrive at once on a 2-core machine.</summary>
        private static readonly TimeSpan PageBound = TimeSpan.FromSeconds(6);
        private static readonly TimeSpan Rest = TimeSpan.FromSeconds(10) + TimeSpan.FromSeconds(1);

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
            // Matomo fails while the site starts: the proxy's first fetch, made as it starts, fails and rests.
            SetFault("error");
            _proxyHost = new ProxyHost("cold-start-host", _standinProcess, StandinBase, standinUrl, new Dictionary<string, string>
            {
                ["matomo:ProxyTimeoutSeconds"] = "15",
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

        private void SetFault(string mode, int ms = 0)
        {
            HttpStatusCode status = Http.Send("POST", _standin.BaseUrl + "standin/fault?mode=" + mode + (ms > 0 ? "&ms=" + ms : ""), out string body);
            if (status != HttpStatusCode.NoContent) throw new InvalidOperationException("fault " + mode + ": " + status + " " + body);
        }

        [Test]
        public void The_proxy_fetches_the_script_as_it_starts_and_two_hundred_first_requests_leave_the_pages_answering()
        {
            // As the site started, before any visitor asked for the script, the proxy asked Matomo for it (and failed).
            IReadOnlyList<Received> atStart = _standin.All().Where(r => r.Kind == "script").ToList();
            Assert.That(atStart, Has.Count.EqualTo(1), "one fetch of the script as the proxy started");
            Assert.That(atStart[0].Fault, Is.EqualTo("error"));
            Assert.That(Http.Get(_host.Url("/insights/matomo.js"), out _, out WebHeaderCollection resting), Is.EqualTo(HttpStatusCode.ServiceUnavailable),
                "during the rest after the failed fetch");
            Assert.That(resting["Cache-Control"], Does.Contain("no-store"));
            Assert.That(resting["Retry-After"], Is.Not.Null);
            DateTime restStarted = DateTime.UtcNow; // at the latest: a rest that ended before this check began again with it

            // Matomo answers again, but slowly; once the rest is over, 200 visitors ask for the script at once.
            SetFault("slow", (int)Slow.TotalMilliseconds);
            _standin.Clear();
            TimeSpan wait = Rest - (DateTime.UtcNow - restStarted);
            if (wait > TimeSpan.Zero) Thread.Sleep(wait);
            string page = _host.Url("/");
            string script = _host.Url("/insights/matomo.js");
            Assert.That(Http.Get(_standin.BaseUrl + "matomo.js", out string original), Is.EqualTo(HttpStatusCode.OK));
            _standin.Clear();

            const int crowd = 200, pages = 60, pageClients = 4;
            using (var client = new HttpClient { Timeout = TimeSpan.FromSeconds(60) })
            {
                var clock = Stopwatch.StartNew();
                Task<(HttpStatusCode Status, string Body, string CacheControl, string RetryAfter, TimeSpan Took)>[] scripts =
                    Enumerable.Range(0, crowd).Select(i => FetchAsync(client, script)).ToArray();
                // The site's pages while the crowd waits or has been answered.
                var pageStatuses = new List<HttpStatusCode>();
                var pageTimes = new List<double>();
                int next = 0;
                Thread[] threads = Enumerable.Range(0, pageClients).Select(n => new Thread(() =>
                {
                    while (Interlocked.Increment(ref next) <= pages)
                    {
                        var one = Stopwatch.StartNew();
                        HttpStatusCode status = Http.Get(page, out _);
                        lock (pageStatuses)
                        {
                            pageStatuses.Add(status);
                            pageTimes.Add(one.Elapsed.TotalMilliseconds);
                        }
                    }
                })).ToArray();
                foreach (Thread t in threads) t.Start();
                foreach (Thread t in threads) t.Join();
                Assert.That(Task.WaitAll(scripts, TimeSpan.FromSeconds(90)), Is.True, "every script request was answered");
                TimeSpan crowdDone = clock.Elapsed;

                var served = scripts.Where(t => t.Result.Status == HttpStatusCode.OK).Select(t => t.Result).ToList();
                var refused = scripts.Where(t => t.Result.Status != HttpStatusCode.OK).Select(t => t.Result).ToList();
                List<double> sorted = pageTimes.OrderBy(ms => ms).ToList();
                TestContext.Progress.WriteLine(
                    "{0} first requests for the script while Matomo takes {1:F0} s: {2} served it (after {3:F2} s to {4:F2} s), {5} answered 503 (p50 {13:F2} s, all within {6:F2} s); "
                    + "{7} pages meanwhile: p50 {8:F1} ms, p99 {9:F1} ms, slowest {10:F1} ms; Matomo asked {11} time(s); all answered in {12:F2} s",
                    crowd, Slow.TotalSeconds, served.Count,
                    served.Select(s => s.Took.TotalSeconds).DefaultIfEmpty().Min(), served.Select(s => s.Took.TotalSeconds).DefaultIfEmpty().Max(),
                    refused.Count, refused.Select(s => s.Took.TotalSeconds).DefaultIfEmpty().Max(),
                    sorted.Count, sorted[sorted.Count / 2], sorted[Math.Max(0, (int)Math.Ceiling(0.99 * sorted.Count) - 1)], sorted.Last(),
                    _standin.All().Count(r => r.Kind == "script"), crowdDone.TotalSeconds,
                    refused.Select(s => s.Took.TotalSeconds).OrderBy(x => x).DefaultIfEmpty().ElementAt(refused.Count / 2));

                Assert.That(pageStatuses, Has.Count.EqualTo(pages));
                Assert.That(pageStatuses, Is.All.EqualTo(HttpStatusCode.OK), "the site's pages answered while the script was being fetched");
                // A bound on availability, far above the host's own burst (about 4 s here): before the fix the pages
                // queued behind 200 threads waiting on the fetch, the slowest for 17.7 s of a 3 s fetch.
                Assert.That(sorted.Last(), Is.LessThan((Slow + PageBound).TotalMilliseconds), "no page waits on the script's fetch");
                Assert.That(served.Select(s => s.Body), Is.All.EqualTo(original), "who waited got Matomo's script");
                Assert.That(served, Is.Not.Empty, "the fetch completed for those who waited");
                Assert.That(refused.Select(s => s.Status), Is.All.EqualTo(HttpStatusCode.ServiceUnavailable));
                Assert.That(refused.Select(s => s.CacheControl), Is.All.Contain("no-store"), "no browser keeps the failure");
                Assert.That(refused.Select(s => s.RetryAfter), Is.All.Not.Null);
                Assert.That(_standin.All().Count(r => r.Kind == "script"), Is.EqualTo(1), "one fetch for the whole crowd");
            }
            Assert.That(Http.Get(script, out string after), Is.EqualTo(HttpStatusCode.OK), "cached from then on");
            Assert.That(after, Is.EqualTo(original));
        }

        private static async Task<(HttpStatusCode, string, string, string, TimeSpan)> FetchAsync(HttpClient client, string url)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                using (HttpResponseMessage response = await client.GetAsync(url).ConfigureAwait(false))
                {
                    string body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                    return (response.StatusCode, body, response.Headers.CacheControl?.ToString() ?? "",
                        response.Headers.RetryAfter?.ToString(), clock.Elapsed);
                }
            }
            catch (HttpRequestException e)
            {
                return (0, e.Message, "", null, clock.Elapsed);
            }
            catch (TaskCanceledException e)
            {
                return (0, e.Message, "", null, clock.Elapsed);
            }
        }
    }
}

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;
using OpenQA.Selenium;

namespace Matomo.Mvc5.Tests.EndToEnd
{
    /// <summary>
    /// The tracker proxy under the real host (nginx + fastcgi-mono-server4) in front of a Matomo stand-in that this
    /// fixture runs itself (a process of its own on a port of its own, as an internal Matomo would be), so that it can
    /// stop it, start it again on the same port, or make it hang: the site's cookies never reach Matomo; the cached
    /// script is served while Matomo is down; 200 tracking requests hanging on Matomo leave the site's pages answering.
    /// In <c>direct</c> mode (<c>matomo:ProxyDelivery</c>), which forwards each request and passes Matomo's answer on;
    /// what fails there goes to the outbox. Queued mode on a host: <see cref="QueuedProxyOnHostTests"/>.
    /// </summary>
    [TestFixture, NonParallelizable, Category("EndToEnd")]
    public class ProxyOnHostTests
    {
        private const string Token = "0123456789abcdef0123456789abcdef";
        private const string StandinBase = "/matomo/";
        /// <summary>The proxy's upstream timeout on this host: long enough that the page samples fit inside a hang.</summary>
        private static readonly TimeSpan ProxyTimeout = TimeSpan.FromSeconds(15);
        /// <summary>What a shared 2-core machine may add to the timeout before an answer counts as late.</summary>
        private static readonly TimeSpan Margin = TimeSpan.FromSeconds(10);
        private static readonly TimeSpan TrackingTimeout = TimeSpan.FromSeconds(20);

        private StandinProcess _standinProcess;
        private int _standinPort;
        private Standin _standin;
        private SampleHost _host;
        private ProxyHost _proxyHost;

        [OneTimeSetUp]
        public void Start()
        {
            _standinProcess = new StandinProcess("--base", StandinBase);
            string standinUrl = _standinProcess.WaitUntilListening(TimeSpan.FromSeconds(60));
            _standinPort = _standinProcess.Port;
            _standin = new Standin(standinUrl);
            _proxyHost = new ProxyHost("proxy-host", _standinProcess, StandinBase, standinUrl, new Dictionary<string, string>
            {
                ["matomo:ProxyTokenAuth"] = Token,
                ["matomo:ProxyTimeoutSeconds"] = ((int)ProxyTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture),
                ["matomo:ProxyDelivery"] = "direct",
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

        /// <summary>Every test starts with Matomo up (started again if a test stopped it), answering, its journal empty.</summary>
        [SetUp]
        public void MatomoUp()
        {
            if (_standinProcess == null)
            {
                _standinProcess = new StandinProcess("--port", _standinPort.ToString(CultureInfo.InvariantCulture), "--base", StandinBase);
                _standinProcess.WaitUntilListening(TimeSpan.FromSeconds(60));
            }
            SetFault("none");
            _standin.Clear();
        }

        private void SetFault(string mode)
        {
            HttpStatusCode status = Http.Send("POST", _standin.BaseUrl + "standin/fault?mode=" + mode, out string body);
            if (status != HttpStatusCode.NoContent) throw new InvalidOperationException("fault " + mode + ": " + status + " " + body);
        }

        private HeadlessChromium NewBrowser(string name, params string[] arguments) =>
            new HeadlessChromium(Path.Combine(SampleHost.RunDirectory, "chromium-" + name), arguments);

        private Received WaitForHit(string page) =>
            _standin.WaitFor("a hit for " + page, TrackingTimeout, all => all.Any(r => r.Kind == "hit" && r.Page == page))
                .First(r => r.Kind == "hit" && r.Page == page);

        // ---- cookies ----

        [Test]
        public void Only_matomos_cookies_reach_matomo_though_the_browser_sent_the_sites_cookies_with_the_hit()
        {
            string netLog = Path.Combine(SampleHost.RunDirectory, "cookies-netlog.json");
            const string sessionValue = "session-f00dfeed";
            const string visitor = "Cookie Tester";
            string page = _host.Url("/");
            using (HeadlessChromium browser = NewBrowser("cookies", "--log-net-log=" + netLog, "--net-log-capture-mode=Everything"))
            {
                // Signed in with forms authentication (.SampleAuth, and the anti-forgery cookie of the form) ...
                browser.Open(_host.Url("/Account/SignIn"));
                browser.Driver.FindElement(By.Id("userName")).SendKeys(visitor);
                browser.Driver.FindElement(By.CssSelector("#sign-in button")).Click();
                WaitUntil(() => new Uri(browser.Location).AbsolutePath == "/Account/SignedIn", "the signed-in page", browser);
                // ... with a session cookie (HttpOnly, as ASP.NET sets it) and a preference of the site's own ...
                browser.Driver.ExecuteCdpCommand("Network.setCookie", new Dictionary<string, object>
                {
                    ["name"] = "ASP.NET_SessionId", ["value"] = sessionValue, ["url"] = _host.BaseUrl, ["path"] = "/", ["httpOnly"] = true,
                });
                browser.Driver.ExecuteScript("document.cookie = 'site_theme=dark; path=/';"
                                             // ... and Matomo's own, beside the _pk_id that matomo.js sets.
                                             + "document.cookie = '_pk_ses.42.1a2b=1; path=/';"
                                             + "document.cookie = 'mtm_consent=1700000000000; path=/';");
                browser.Open(page);
                Received hit = WaitForHit(page);

                Assert.That(hit.Parameters["uid"], Is.EqualTo(visitor), "the page itself was served to the signed-in visitor");
                Assert.That(hit.Cookies.Keys, Is.All.Match("^(_pk_|mtm_)"), "only Matomo's cookies reach Matomo");
                Assert.That(hit.Cookies.Keys, Has.Some.StartsWith("_pk_id.42."), "the visitor id cookie of matomo.js");
                Assert.That(hit.Cookies, Does.ContainKey("_pk_ses.42.1a2b").And.ContainKey("mtm_consent"));
                Assert.That(hit.Header("Cookie"), Does.Not.Contain(sessionValue).And.Not.Contain("SampleAuth").And.Not.Contain("site_theme"));
            }

            // What the browser sent with that very request, from its own network log (complete once it has quit).
            List<string> sent = RequestHeaders(netLog, "/insights/matomo.php?", "url=" + Uri.EscapeDataString(page) + "&");
            Assert.That(sent, Is.Not.Empty, "the browser's log shows the tracking request to the site");
            string cookie = sent.Select(h => h.StartsWith("Cookie: ", StringComparison.OrdinalIgnoreCase) ? h.Substring(8) : null)
                .FirstOrDefault(c => c != null);
            Assert.That(cookie, Is.Not.Null, "the tracking request to the site carried cookies");
            Assert.That(cookie, Does.Contain(".SampleAuth=").And.Contain("ASP.NET_SessionId=" + sessionValue)
                .And.Contain("site_theme=dark").And.Contain("__RequestVerificationToken").And.Contain("_pk_ses.42.1a2b=1"),
                "the site's cookies went to the site with the hit, and stopped there");
        }

        // ---- Matomo down ----

        [Test]
        public void While_matomo_is_down_the_cached_script_is_served_and_tracking_answers_at_once()
        {
            string script = _host.Url("/insights/matomo.js");
            using (HeadlessChromium browser = NewBrowser("down"))
            {
                // Up: the page's script comes through the site (fetched from Matomo once, then kept), and its hit reaches Matomo.
                string page = _host.Url("/");
                browser.Open(page);
                WaitForHit(page);
                Assert.That(Http.Get(script, out string cached, out WebHeaderCollection upHeaders), Is.EqualTo(HttpStatusCode.OK));
                string etag = upHeaders["ETag"];
                Assert.That(etag, Is.Not.Null.And.Not.Empty);
                Assert.That(Http.Get(_standin.BaseUrl + "matomo.js", out string original), Is.EqualTo(HttpStatusCode.OK));
                Assert.That(cached, Is.EqualTo(original), "Matomo's script");

                // Down: the stand-in's process ends; nothing listens on its port any more.
                _standinProcess.Dispose();
                _standinProcess = null;
                Assert.That(Http.Get(_standin.BaseUrl + "matomo.js", out string refused), Is.EqualTo((HttpStatusCode)0), "Matomo is down: " + refused);

                // The script, from the site's memory: whole, and revalidated with a 304.
                Assert.That(Http.Get(script, out string served, out WebHeaderCollection downHeaders), Is.EqualTo(HttpStatusCode.OK));
                Assert.That(served, Is.EqualTo(cached));
                Assert.That(downHeaders["ETag"], Is.EqualTo(etag));
                Assert.That(Conditional(script, etag), Is.EqualTo(HttpStatusCode.NotModified));

                // A browser with an empty cache gets it from the site and runs it (it marks the page once it has sent the hit).
                browser.Driver.ExecuteCdpCommand("Network.clearBrowserCache", new Dictionary<string, object>());
                browser.Open(_host.Url("/Dimensions"));
                WaitUntil(() => (string)browser.Driver.ExecuteScript("return document.documentElement.getAttribute('data-matomo-standin-hit')") == "sent",
                    "matomo.js running on the page", browser);
                long status = (long)browser.Driver.ExecuteScript(
                    "var e = performance.getEntriesByName(arguments[0]); return e.length ? e[0].responseStatus : -1;", script);
                Assert.That(status, Is.EqualTo(200).Or.EqualTo(304), "the browser fetched matomo.js from the site");

                // The tracking endpoint: a harmless answer, within the timeout.
                var clock = Stopwatch.StartNew();
                Assert.That(Http.Get(_host.Url("/insights/matomo.php?idsite=42&rec=1&send_image=0&action_name=down"), out string body), Is.EqualTo(HttpStatusCode.NoContent));
                TimeSpan took = clock.Elapsed;
                TestContext.Progress.WriteLine("Matomo down (refused): tracking answered 204 in {0:F1} ms", took.TotalMilliseconds);
                Assert.That(took, Is.LessThan(ProxyTimeout), "answered within the timeout");
                Assert.That(body, Is.Empty);
            }

            // Up again on the same port: tracking reaches it again.
            MatomoUp();
            Assert.That(Http.Get(_host.Url("/insights/matomo.php?idsite=42&rec=1&send_image=0&action_name=back"), out _), Is.EqualTo(HttpStatusCode.NoContent));
            List<Received> hits = _standin.All().Where(r => r.Kind == "hit" && r.Requests == null).ToList();
            Assert.That(hits.Select(r => r.Parameters["action_name"]), Is.EqualTo(new[] { "back" }), "forwarded: the one request since Matomo is up");
            Assert.That(hits[0].Verdicts.Select(v => v.ToString()), Is.EqualTo(new[] { "tracked" }), "with the proxy's cip and token, as Matomo takes them");
            Assert.That(hits[0].Target, Does.Not.Contain("token_auth"), "the token in the form body, not in the URL");
            // The request that failed while Matomo was down was handed to the outbox, which delivers it now.
            IReadOnlyList<Received> all = _standin.WaitFor("the outbox's delivery of the hit that failed", TrackingTimeout + TimeSpan.FromSeconds(60),
                received => received.Any(r => r.Requests != null && r.Requests.Any(e => e.TryGetValue("action_name", out string a) && a == "down")));
            Received bulk = all.First(r => r.Requests != null && r.Requests.Any(e => e.TryGetValue("action_name", out string a) && a == "down"));
            int index = bulk.Requests.FindIndex(e => e.TryGetValue("action_name", out string a) && a == "down");
            Assert.That(bulk.Verdicts[index].ToString(), Is.EqualTo("tracked"));
        }

        private static HttpStatusCode Conditional(string url, string etag)
        {
            var request = (HttpWebRequest)WebRequest.Create(url);
            request.Headers["If-None-Match"] = etag;
            request.Proxy = null;
            request.KeepAlive = false;
            try
            {
                using (var response = (HttpWebResponse)request.GetResponse()) return response.StatusCode;
            }
            catch (WebException e) when (e.Response is HttpWebResponse r)
            {
                using (r) return r.StatusCode;
            }
        }

        // ---- Matomo hanging ----

        [Test]
        public void Two_hundred_tracking_requests_hanging_on_matomo_leave_the_sites_pages_answering()
        {
            const int trackingRequests = 200, pages = 100, pageClients = 4;
            string page = _host.Url("/");
            Sample(page, 20, pageClients); // warm-up
            PageSample baseline = Sample(page, pages, pageClients);

            SetFault("hang");
            using (var client = new HttpClient { Timeout = ProxyTimeout + Margin + Margin })
            {
                Task<(HttpStatusCode Status, TimeSpan Took)>[] tracking = Enumerable.Range(0, trackingRequests)
                    .Select(i => TimedAsync(client, _host.Url("/insights/matomo.php?idsite=42&rec=1&send_image=0&action_name=hang&r=" + i)))
                    .ToArray();
                // Once each one either waits on Matomo (the stand-in records a request as it arrives, then hangs) or was
                // answered at once (beyond the proxy's limit of requests waiting on Matomo) ...
                IReadOnlyList<Received> atMatomo = _standin.WaitFor("every tracking request answered or hanging at Matomo", ProxyTimeout,
                        all => tracking.Count(t => t.IsCompleted) + all.Count(r => r.Kind == "hit" && r.Requests == null) >= trackingRequests)
                    .Where(r => r.Kind == "hit" && r.Requests == null).ToList(); // the outbox's bulk requests (what was not forwarded) aside
                bool[] atOnce = tracking.Select(t => t.IsCompleted).ToArray();
                int answeredAtOnce = atOnce.Count(done => done);
                // ... the site's pages, while those at Matomo still wait.
                PageSample during = Sample(page, pages, pageClients);
                int waitingAfter = tracking.Count(t => !t.IsCompleted);

                Assert.That(Task.WaitAll(tracking, ProxyTimeout + Margin + Margin), Is.True, "every tracking request was answered");
                SetFault("none");

                TestContext.Progress.WriteLine(
                    "Ordinary page {0} ({1} requests, {2} clients): baseline p50 {3:F1} ms, p99 {4:F1} ms; while {5} tracking requests hang on Matomo: p50 {6:F1} ms, p99 {7:F1} ms",
                    new Uri(page).AbsolutePath, pages, pageClients, baseline.P50, baseline.P99, atMatomo.Count, during.P50, during.P99);
                double[] waited = tracking.Where((t, i) => !atOnce[i]).Select(t => t.Result.Took.TotalSeconds).ToArray();
                double[] notWaited = tracking.Where((t, i) => atOnce[i]).Select(t => t.Result.Took.TotalSeconds).DefaultIfEmpty().ToArray();
                TestContext.Progress.WriteLine(
                    "{0} tracking requests at once, all answered {1}: {2} waited on Matomo until the proxy's timeout ({3} s) and were answered after {4:F2} s to {5:F2} s; {6} were answered without waiting on Matomo, within {7:F2} s",
                    trackingRequests, string.Join("/", tracking.Select(t => (int)t.Result.Status).Distinct()),
                    atMatomo.Count, ProxyTimeout.TotalSeconds, waited.DefaultIfEmpty().Min(), waited.DefaultIfEmpty().Max(),
                    answeredAtOnce, notWaited.Max());

                Assert.That(baseline.Statuses, Is.All.EqualTo(HttpStatusCode.OK));
                Assert.That(during.Statuses, Is.All.EqualTo(HttpStatusCode.OK), "the pages answered while Matomo hung");
                Assert.That(atMatomo, Is.Not.Empty, "Matomo held requests");
                Assert.That(atMatomo.Select(r => r.Fault), Is.All.EqualTo("hang"));
                Assert.That(atMatomo.Select(r => r.Parameters["r"]), Is.Unique, "each reached Matomo once");
                Assert.That(waitingAfter, Is.EqualTo(atMatomo.Count), "the pages were sampled while every request at Matomo still waited");
                Assert.That(tracking.Select(t => t.Result.Status), Is.All.EqualTo(HttpStatusCode.NoContent));
                Assert.That(tracking.Select(t => t.Result.Took), Is.All.LessThan(ProxyTimeout + Margin), "within the timeout");
            }
        }

        internal static async Task<(HttpStatusCode, TimeSpan)> TimedAsync(HttpClient client, string url)
        {
            var clock = Stopwatch.StartNew();
            using (HttpResponseMessage response = await client.GetAsync(url).ConfigureAwait(false))
            {
                await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                return (response.StatusCode, clock.Elapsed);
            }
        }

        internal sealed class PageSample
        {
            public List<HttpStatusCode> Statuses = new List<HttpStatusCode>();
            public List<double> Milliseconds = new List<double>();
            public double P50 => Percentile(0.50);
            public double P99 => Percentile(0.99);

            /// <summary>Nearest rank.</summary>
            private double Percentile(double p)
            {
                List<double> sorted = Milliseconds.OrderBy(m => m).ToList();
                return sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1)];
            }
        }

        /// <summary>GETs <paramref name="url"/> <paramref name="count"/> times from <paramref name="clients"/> threads at once, each request on a new connection, timed.</summary>
        internal static PageSample Sample(string url, int count, int clients)
        {
            var sample = new PageSample();
            int next = 0;
            Thread[] threads = Enumerable.Range(0, clients).Select(client => new Thread(() =>
            {
                while (Interlocked.Increment(ref next) <= count)
                {
                    var clock = Stopwatch.StartNew();
                    HttpStatusCode status = Http.Get(url, out _);
                    double ms = clock.Elapsed.TotalMilliseconds;
                    lock (sample)
                    {
                        sample.Statuses.Add(status);
                        sample.Milliseconds.Add(ms);
                    }
                }
            })).ToArray();
            foreach (Thread t in threads) t.Start();
            foreach (Thread t in threads) t.Join();
            return sample;
        }

        /// <summary>
        /// The request headers Chromium sent for the first request whose request line contains <paramref name="path"/>
        /// and <paramref name="parameter"/>, from a NetLog file (--log-net-log, capture mode Everything: cookies included).
        /// </summary>
        private static List<string> RequestHeaders(string netLogFile, string path, string parameter)
        {
            using (JsonDocument log = JsonDocument.Parse(File.ReadAllText(netLogFile)))
            {
                int sendHeaders = log.RootElement.GetProperty("constants").GetProperty("logEventTypes")
                    .GetProperty("HTTP_TRANSACTION_SEND_REQUEST_HEADERS").GetInt32();
                foreach (JsonElement e in log.RootElement.GetProperty("events").EnumerateArray())
                {
                    if (e.GetProperty("type").GetInt32() != sendHeaders || !e.TryGetProperty("params", out JsonElement p)) continue;
                    if (!p.TryGetProperty("line", out JsonElement line)) continue;
                    string requestLine = line.GetString();
                    if (requestLine.IndexOf(path, StringComparison.Ordinal) < 0 || requestLine.IndexOf(parameter, StringComparison.Ordinal) < 0) continue;
                    return p.GetProperty("headers").EnumerateArray().Select(h => h.GetString()).ToList();
                }
            }
            return new List<string>();
        }

        private static void WaitUntil(Func<bool> condition, string what, HeadlessChromium browser)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                try { if (condition()) return; }
                catch (WebDriverException) { } // the page is being replaced
                if (clock.Elapsed > TimeSpan.FromSeconds(30)) Assert.Fail("did not see " + what + "; at " + browser.Location);
                Thread.Sleep(100);
            }
        }
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Matomo.Mvc5.Configuration;

namespace Matomo.Mvc5.Proxy
{
    /// <summary>
    /// The tracker proxy's engine: serves Matomo's script (and the configured Tag Manager container) from a cache;
    /// queues tracking requests (<see cref="TrackerProxyOptions.Queued"/>: answered at once, handed to
    /// <see cref="TrackerProxyOptions.Queue"/> as <see cref="QueuedHits"/>) or forwards them with the visitor's
    /// address (<c>cip</c>) and the proxy's token in a form body, through the one shared HttpClient, within the
    /// timeout. When Matomo fails (refused, hanging, slow, 5xx, reset) the tracking endpoint answers a harmless 204, or
    /// a 1x1 GIF to an image request, and hands the request to the queue. Nothing but these endpoints is reachable.
    /// Knows nothing of System.Web.
    /// </summary>
    internal sealed class TrackerProxy
    {
        private readonly TrackerProxyOptions _options;
        private readonly Uri _trackerUrl;
        private readonly string _upstreamText;
        private readonly byte[][] _tokenForms;
        private int _forwarding;

        public TrackerProxy(TrackerProxyOptions options)
        {
            _options = options ?? throw new ArgumentNullException(nameof(options));
            _trackerUrl = new Uri(options.Upstream, options.TrackerPath);
            _upstreamText = options.Upstream.AbsoluteUri;
            Script = new ScriptCache(options);
            if (options.ContainerId != null)
                Container = new ScriptCache(options, "js/container_" + options.ContainerId + ".js", "the Tag Manager container");
            Outage = new OutageLog("tracking requests", options.OutageEndsAfter, options.Clock);
            if (options.TuneProcess)
            {
                UpstreamClient.Prepare(options.Upstream, options.ConnectionLease);
                // Queued requests never wait on Matomo, but the reserve stays as in direct mode: on Mono an async
                // handler holds a pool thread, and a burst of first requests (ScriptColdStartOnHostTests: 200 at once
                // while the script's first fetch takes 3 s) starved the site's pages with only the waiters' share.
                int waiters = options.MaxScriptWaiters * (Container == null ? 1 : 2);
                ReserveThreads(options.MaxConcurrentForwards + waiters);
            }
            _tokenForms = options.TokenAuth == null
                ? new byte[0][]
                : new[] { options.TokenAuth, FormPairs.Encode(options.TokenAuth), Uri.EscapeDataString(options.TokenAuth).Replace("%20", "+") }
                    .Distinct().Select(Encoding.UTF8.GetBytes).ToArray();
        }

        /// <summary>
        /// Raises the thread pool's minimum of worker threads to at least one per processor (the pool's own default)
        /// plus <paramref name="forwards"/>, never lowering it, so that the threads of requests waiting on Matomo are
        /// there at once: hosts that keep a thread for each request until it ends (Mono's System.Web does, async handler
        /// or not) would otherwise grow the pool one thread at a time while the site's pages queue behind them. Threads
        /// are still created only when needed. A target rather than an increment: the same after an application restart.
        /// </summary>
        internal static void ReserveThreads(int forwards)
        {
            lock (ReserveGate)
            {
                ThreadPool.GetMinThreads(out int workers, out int ports);
                ThreadPool.GetMaxThreads(out int maxWorkers, out _);
                int target = Math.Min(maxWorkers, Environment.ProcessorCount + forwards);
                if (workers < target) ThreadPool.SetMinThreads(target, ports);
            }
        }

        private static readonly object ReserveGate = new object();

        private static readonly object BuildGate = new object();
        private static TrackerProxy _last;
        private MatomoSettings _source;

        /// <summary>
        /// The proxy of <paramref name="settings"/> (which has <see cref="MatomoSettings.Proxy"/>): one per settings
        /// object, kept; made with <paramref name="queue"/> as its <see cref="TrackerProxyOptions.Queue"/>.
        /// </summary>
        public static TrackerProxy For(MatomoSettings settings, Func<string, string, bool> queue = null)
        {
            TrackerProxy last = Volatile.Read(ref _last);
            if (last != null && ReferenceEquals(last._source, settings)) return last;
            lock (BuildGate)
            {
                last = _last;
                return last != null && ReferenceEquals(last._source, settings) ? last : Build(settings, queue);
            }
        }

        /// <summary>A new proxy for <paramref name="settings"/>, kept as the current one and started (its first script fetch).</summary>
        private static TrackerProxy Build(MatomoSettings settings, Func<string, string, bool> queue)
        {
            MatomoProxySettings p = settings.Proxy;
            var proxy = new TrackerProxy(new TrackerProxyOptions
            {
                Upstream = p.Upstream,
                TrackerPath = settings.TrackerPath,
                ScriptPath = settings.ScriptPath,
                TokenAuth = p.TokenAuth,
                PublicBase = p.PublicPath,
                Timeout = TimeSpan.FromSeconds(p.TimeoutSeconds),
                RequestBodyTimeout = TimeSpan.FromSeconds(p.TimeoutSeconds),
                ScriptMaxAge = TimeSpan.FromSeconds(p.ScriptMaxAgeSeconds),
                TuneProcess = settings.Get(SettingTable.ProxyTuneProcess),
                ContainerId = settings.ContainerId,
                Queued = settings.Get(SettingTable.ProxyQueued),
                Queue = queue,
            }) { _source = settings };
            Volatile.Write(ref _last, proxy);
            proxy.Script.Prefetch();
            proxy.Container?.Prefetch();
            return proxy;
        }

        /// <summary>The script cache.</summary>
        public ScriptCache Script { get; }

        /// <summary>The Tag Manager container's cache, or null when none is configured.</summary>
        public ScriptCache Container { get; }

        /// <summary>Whether tracking requests are queued rather than forwarded.</summary>
        internal bool Queuing => _options.Queued && _options.Queue != null;

        /// <summary>The tracking requests' outages: one warning when they start failing, one line when they end.</summary>
        internal OutageLog Outage { get; }

        /// <summary>The answer to <paramref name="request"/>. Never throws for anything Matomo or the browser does.</summary>
        public async Task<ProxyResponse> HandleAsync(ProxyRequest request)
        {
            ProxyEndpoint endpoint = ProxyRoute.Classify(request.SubPath);
            if (endpoint == ProxyEndpoint.None) return ProxyResponse.Text(404, "Not found");
            bool get = request.Method == "GET" || request.Method == "HEAD";
            if (endpoint == ProxyEndpoint.Container)
            {
                // Only the configured container: any other id is not asked of Matomo.
                if (Container == null || ProxyRoute.ContainerId(request.SubPath) != _options.ContainerId) return ProxyResponse.Text(404, "Not found");
                if (!get) return MethodNotAllowed("GET, HEAD");
                return await Container.ServeAsync(request).ConfigureAwait(false);
            }
            if (endpoint == ProxyEndpoint.Script || get && string.IsNullOrEmpty(request.Query))
            {
                // matomo.php without parameters serves the script too, as Matomo's tracker proxy does.
                if (!get) return MethodNotAllowed("GET, HEAD");
                return await Script.ServeAsync(request).ConfigureAwait(false);
            }
            if (request.Method != "GET" && request.Method != "POST") return MethodNotAllowed("GET, POST");

            string body = null;
            if (request.Method == "POST")
            {
                if (request.ContentLength > _options.MaxRequestBodyBytes) return ProxyResponse.Text(413, "Request body too large");
                BodyRead read = request.Body == null ? new BodyRead { Bytes = new byte[0] } : await ReadBodyAsync(request).ConfigureAwait(false);
                if (read.Answer != null) return read.Answer;
                body = Encoding.UTF8.GetString(read.Bytes);
            }
            if (Queuing && TryQueue(request, body) is ProxyResponse queued) return queued;
            return await ForwardAsync(request, body).ConfigureAwait(false);
        }

        /// <summary>
        /// Queues the request's hits and answers at once, or returns null when the queue refuses them (no outbox):
        /// the request is then forwarded. A request with a Do Not Track header is answered and not queued, since the
        /// queued hit cannot carry the header to Matomo's DoNotTrack check.
        /// </summary>
        private ProxyResponse TryQueue(ProxyRequest request, string body)
        {
            bool image = IsImageRequest(request.Method, request.Query);
            if (KeptFromQueue(request)) return ProxyResponse.Harmless(image);
            List<string> hits = QueuedHits.From(request.Query, body, request.Headers);
            for (int i = 0; i < hits.Count; i++)
            {
                if (_options.Queue(hits[i], request.ClientAddress)) continue;
                if (i == 0) return null;
                break; // the queue closed in between: what it took stays taken
            }
            return ProxyResponse.Harmless(image);
        }

        /// <summary>
        /// What Matomo would decide from the request itself, which a queued hit cannot carry to it: a Do Not Track
        /// header, or Matomo's own opt-out cookie (<c>matomo_ignore</c>, <c>piwik_ignore</c>, set by its opt-out
        /// form). Such a request is answered and not queued.
        /// </summary>
        private static bool KeptFromQueue(ProxyRequest request) =>
            ProxyHeaders.AsksNotToBeTracked(request.Headers) || ProxyHeaders.CarriesMatomoOptOut(request.Headers["Cookie"]);

        /// <summary>
        /// Hands a request Matomo did not take (refused, timed out, answered 5xx, or not sent for the bulkhead) to the
        /// queue, if there is one, rewritten as for queuing. A request Matomo recorded before its answer was lost is
        /// then recorded twice.
        /// </summary>
        private void Requeue(ProxyRequest request, string body)
        {
            Func<string, string, bool> queue = _options.Queue;
            if (queue == null || KeptFromQueue(request)) return;
            try
            {
                foreach (string hit in QueuedHits.From(request.Query, body, request.Headers))
                    if (!queue(hit, request.ClientAddress)) break;
            }
            catch (Exception e) when (!(e is OutOfMemoryException))
            {
                Outage.Failed("a failed request could not be queued (" + e.GetType().Name + ")");
            }
        }

        private static ProxyResponse MethodNotAllowed(string allow) => ProxyResponse.Text(405, "Method not allowed").With("Allow", allow);

        /// <summary>How many tracking requests wait on Matomo now (tests read it).</summary>
        internal int Forwarding => Volatile.Read(ref _forwarding);

        private async Task<ProxyResponse> ForwardAsync(ProxyRequest request, string body)
        {
            // A bulkhead: while Matomo is slow or hangs, at most MaxConcurrentForwards requests wait on it; the others
            // get the harmless answer at once, so that waiting hits never take the threads the site's pages need.
            if (Interlocked.Increment(ref _forwarding) > _options.MaxConcurrentForwards)
            {
                Interlocked.Decrement(ref _forwarding);
                Outage.Failed("not forwarded: " + _options.MaxConcurrentForwards.ToString(CultureInfo.InvariantCulture) + " already wait on Matomo");
                Requeue(request, body);
                return ProxyResponse.Harmless(IsImageRequest(request.Method, request.Query));
            }
            var exchange = new Exchange();
            try
            {
                return await ForwardNowAsync(request, body, exchange).ConfigureAwait(false);
            }
            finally
            {
                // The slot is given back when the exchange with Matomo really ends, not when the browser got its answer:
                // an exchange the platform could not abort at the deadline still holds a socket towards Matomo.
                Task stillOpen = exchange.StillOpen;
                if (stillOpen == null || stillOpen.IsCompleted) Interlocked.Decrement(ref _forwarding);
                else _ = stillOpen.ContinueWith(_ => Interlocked.Decrement(ref _forwarding), CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }

        /// <summary>What a forward leaves behind: the exchange with Matomo when it goes on after the browser's answer.</summary>
        private sealed class Exchange
        {
            public Task StillOpen;
        }

        /// <summary>The answer to the browser; <paramref name="exchange"/> learns whether the exchange with Matomo goes on.</summary>
        private async Task<ProxyResponse> ForwardNowAsync(ProxyRequest request, string body, Exchange exchange)
        {
            TrackingRequestRewriter.Result rewritten = TrackingRequestRewriter.Rewrite(
                request.Query, body, request.ClientAddress ?? "0.0.0.0", _options.TokenAuth);
            bool image = request.Method == "GET" && !rewritten.NoImage; // as IsImageRequest, without parsing the query again

            var uri = new Uri(_trackerUrl.AbsoluteUri + (rewritten.Query.Length > 0 ? "?" + rewritten.Query : ""));
            var message = new HttpRequestMessage(rewritten.Body == null ? HttpMethod.Get : HttpMethod.Post, uri);
            foreach (var h in ProxyHeaders.ForUpstream(request.Headers)) message.Headers.TryAddWithoutValidation(h.Key, h.Value);
            // A bulk body goes as JSON, which Matomo reads from php://input and PHP never parses into $_POST; a single
            // request's body (with the proxy's cip and token) as a form, which PHP reads into $_POST.
            if (rewritten.Body != null)
                message.Content = new StringContent(rewritten.Body, Encoding.UTF8, rewritten.IsBulk ? "application/json" : "application/x-www-form-urlencoded");

            UpstreamResponse upstream;
            try
            {
                upstream = await UpstreamClient.SendAsync(message, _options.Timeout, _options.MaxResponseBodyBytes, _options.ConnectionLease).ConfigureAwait(false);
            }
            catch (UpstreamFault fault)
            {
                Outage.Failed(fault.Message);
                exchange.StillOpen = fault.StillOpen;
                Requeue(request, body);
                return ProxyResponse.Harmless(image);
            }
            int status = upstream.Status;
            if (status < 200 || status >= 300 && status < 400 || status >= 500)
            {
                Outage.Failed("answered HTTP " + status.ToString(CultureInfo.InvariantCulture));
                if (status >= 500) Requeue(request, body);
                return ProxyResponse.Harmless(image);
            }
            string type = TrackingContentType(upstream.Header("Content-Type"), rewritten.IsBulk);
            bool hasBody = upstream.Body != null && upstream.Body.Length > 0;
            if (hasBody && type == null)
            {
                // Matomo's web server answered something a tracking endpoint never sends (an HTML error page, a script):
                // it is not served from the site's origin.
                Outage.Failed("answered with a type the proxy does not pass on");
                return ProxyResponse.Harmless(image);
            }
            Outage.Succeeded();
            var response = new ProxyResponse(status) { Body = hasBody ? Scrub(upstream.Body, type) : null };
            if (type != null) response.With("Content-Type", type);
            response.Headers.AddRange(ProxyHeaders.ForBrowser(upstream.Headers, request.IsSecure));
            if (response.Header("Cache-Control") == null) response.With("Cache-Control", "no-store");
            response.With("X-Content-Type-Options", "nosniff");
            return response;
        }

        /// <summary>
        /// The one <c>Content-Type</c> the proxy serves for a tracking answer of upstream type <paramref name="upstreamType"/>,
        /// or null when that type is not one a tracking endpoint answers with: the GIF, plain text, and JSON for a bulk request.
        /// </summary>
        internal static string TrackingContentType(string upstreamType, bool bulk)
        {
            if (upstreamType == null) return null;
            int semicolon = upstreamType.IndexOf(';');
            string media = (semicolon < 0 ? upstreamType : upstreamType.Substring(0, semicolon)).Trim();
            if (media.Equals("image/gif", StringComparison.OrdinalIgnoreCase)) return "image/gif";
            if (media.Equals("text/plain", StringComparison.OrdinalIgnoreCase)) return "text/plain; charset=utf-8";
            if (bulk && media.Equals("application/json", StringComparison.OrdinalIgnoreCase)) return "application/json; charset=utf-8";
            return null;
        }

        /// <summary>An image request (the noscript image, or the tracker's image fallback): GET without <c>send_image=0</c>.</summary>
        private static bool IsImageRequest(string method, string query) =>
            method == "GET" && !(FormPairs.Parse(query).Get("send_image", out string v) == FormPairs.State.String && v == "0");

        /// <summary>The body with the token (in every form it was sent) and, in text (plain or JSON), Matomo's URL replaced.</summary>
        private byte[] Scrub(byte[] body, string contentType)
        {
            if (body == null || body.Length == 0) return body;
            foreach (byte[] token in _tokenForms) body = Replace(body, token, Encoding.UTF8.GetBytes("<token>"));
            // contentType is one of TrackingContentType's: every one but the GIF is text.
            if (contentType != "image/gif")
                body = Replace(body, Encoding.UTF8.GetBytes(_upstreamText), Encoding.UTF8.GetBytes(_options.PublicBase));
            return body;
        }

        internal static byte[] Replace(byte[] data, byte[] find, byte[] with)
        {
            if (find.Length == 0 || data.Length < find.Length) return data;
            MemoryStream output = null;
            int copied = 0;
            for (int i = 0; i <= data.Length - find.Length; i++)
            {
                int j = 0;
                while (j < find.Length && data[i + j] == find[j]) j++;
                if (j < find.Length) continue;
                output = output ?? new MemoryStream(data.Length);
                output.Write(data, copied, i - copied);
                output.Write(with, 0, with.Length);
                i += find.Length - 1;
                copied = i + 1;
            }
            if (output == null) return data;
            output.Write(data, copied, data.Length - copied);
            return output.ToArray();
        }

        /// <summary>The body's bytes, or the answer when it cannot be had: too large, not sent in time, or broken off.</summary>
        private sealed class BodyRead
        {
            public byte[] Bytes;
            public ProxyResponse Answer;
        }

        /// <summary>
        /// The request's body within <see cref="TrackerProxyOptions.MaxRequestBodyBytes"/> and before
        /// <see cref="TrackerProxyOptions.RequestBodyTimeout"/>. At the deadline the body stream is closed, which ends a
        /// read pending on a socket (a stream that ignores it is left to end with its request), and 408 is answered.
        /// </summary>
        private async Task<BodyRead> ReadBodyAsync(ProxyRequest request)
        {
            Task<byte[]> read = ReadCappedAsync(request.Body, request.ContentLength, _options.MaxRequestBodyBytes);
            using (var deadline = new CancellationTokenSource())
            {
                Task first = await Task.WhenAny(read, Task.Delay(_options.RequestBodyTimeout, deadline.Token)).ConfigureAwait(false);
                deadline.Cancel();
                if (first != read)
                {
                    _ = read.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    try
                    {
                        request.Body.Dispose();
                    }
                    catch (Exception e) when (e is IOException || e is ObjectDisposedException || e is NotSupportedException || e is InvalidOperationException)
                    {
                        // already closed, or a host stream that cannot be closed from here
                    }
                    return new BodyRead { Answer = ProxyResponse.Text(408, "Request body not received in time") };
                }
            }
            try
            {
                byte[] bytes = await read.ConfigureAwait(false);
                return bytes == null ? new BodyRead { Answer = ProxyResponse.Text(413, "Request body too large") } : new BodyRead { Bytes = bytes };
            }
            catch (Exception e) when (e is IOException || e is ObjectDisposedException || e is System.Net.Sockets.SocketException)
            {
                // The browser went away (or the host broke the request off) in the middle of its body.
                return new BodyRead { Answer = ProxyResponse.Text(400, "Request body incomplete") };
            }
        }

        /// <summary>
        /// Reads all of <paramref name="stream"/>, or null as soon as it holds more than <paramref name="max"/> bytes.
        /// With a declared length (<paramref name="declared"/> &gt; 0, at most <paramref name="max"/>), into one array of that size;
        /// a body that ends before it is an <see cref="EndOfStreamException"/>.
        /// </summary>
        private static async Task<byte[]> ReadCappedAsync(Stream stream, long declared, int max)
        {
            if (declared > 0 && declared <= max)
            {
                var exact = new byte[declared];
                int total = 0, n;
                while (total < exact.Length && (n = await stream.ReadAsync(exact, total, exact.Length - total).ConfigureAwait(false)) > 0) total += n;
                if (total < exact.Length) throw new EndOfStreamException(); // half a hit is not forwarded
                return exact;
            }
            var buffer = new MemoryStream();
            var chunk = new byte[8192];
            int read;
            while ((read = await stream.ReadAsync(chunk, 0, chunk.Length).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > max) return null;
                buffer.Write(chunk, 0, read);
            }
            return buffer.ToArray();
        }
    }
}

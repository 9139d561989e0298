using System;
using System.Globalization;
using System.Net.Http;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace Matomo.Mvc5.Proxy
{
    /// <summary>
    /// Matomo's tracker script, fetched once and served from memory with <c>ETag</c>, <c>Last-Modified</c>,
    /// <c>Cache-Control</c> and 304s. Past its max age it is still served while one background fetch (conditional
    /// on Matomo's own validators) refreshes it; while Matomo is down the stale copy stays. Before any copy exists a
    /// failed fetch answers 503, and for <see cref="TrackerProxyOptions.RetryAfterFailure"/> after it 503 comes at
    /// once, without asking Matomo again. The first fetch starts with the proxy (<see cref="Prefetch"/>), not with the
    /// first visitor; until it ends at most <see cref="TrackerProxyOptions.MaxScriptWaiters"/> requests wait for it and
    /// every other one gets 503 at once (with <c>Retry-After</c> and <c>Cache-Control: no-store</c>, so that no browser
    /// keeps the failure): on hosts that keep a thread for each waiting request (Mono's System.Web), an unbounded crowd
    /// of waiters after a start took every thread, the fetch's own completion included, and the site with it.
    /// </summary>
    internal sealed class ScriptCache
    {
        private sealed class Entry
        {
            public byte[] Body;
            public string ETag;
            public DateTimeOffset LastModified;
            public DateTimeOffset FetchedAt;
            public string UpstreamETag;
            public string UpstreamLastModified;
        }

        private readonly TrackerProxyOptions _options;
        private readonly Uri _url;
        private readonly object _gate = new object();
        private Entry _entry;
        private Task<Entry> _firstFetch;
        private DateTimeOffset _quietUntil = DateTimeOffset.MinValue;
        private int _refreshing;
        private Task _stillOpen; // a timed-out fetch whose exchange goes on (a connect Mono cannot stop): no other starts
        private int _waiting;

        /// <summary>
        /// The cache of the script at <paramref name="path"/> below Matomo's URL (default: the tracker script,
        /// <see cref="TrackerProxyOptions.ScriptPath"/>), named <paramref name="what"/> in the outage log.
        /// </summary>
        public ScriptCache(TrackerProxyOptions options, string path = null, string what = "the tracker script")
        {
            _options = options;
            _url = new Uri(options.Upstream, path ?? options.ScriptPath);
            _what = what;
            Outage = new OutageLog("fetches of " + what, options.OutageEndsAfter, options.Clock);
        }

        private readonly string _what;

        /// <summary>The script fetches' outages, traced once each.</summary>
        internal OutageLog Outage { get; }

        /// <summary>How many times Matomo was asked for the script (tests read it).</summary>
        public int Fetches;

        /// <summary>How many requests wait for the first fetch now (tests read it).</summary>
        internal int Waiting => Volatile.Read(ref _waiting);

        /// <summary>
        /// Whether a fetch that timed out still has its exchange with Matomo open: no new fetch starts until it ends, so
        /// that fetches retried every <see cref="TrackerProxyOptions.RetryAfterFailure"/> never pile up connects (tests read it).
        /// </summary>
        internal bool StillOpen => Volatile.Read(ref _stillOpen) is Task open && !open.IsCompleted;

        /// <summary>Starts the first fetch, unless the script is cached, being fetched, or a failed fetch is too recent.</summary>
        public void Prefetch() => FirstFetch(_options.Clock());

        /// <summary>The first fetch under way (started now if none is), or null when the script is cached or Matomo rests after a failure.</summary>
        private Task<Entry> FirstFetch(DateTimeOffset now)
        {
            lock (_gate)
            {
                if (_entry != null || now < _quietUntil || StillOpen) return null;
                if (_firstFetch == null || _firstFetch.IsCompleted) _firstFetch = FirstFetchAsync();
                return _firstFetch;
            }
        }

        /// <summary>The answer to a GET or HEAD of the script.</summary>
        public async Task<ProxyResponse> ServeAsync(ProxyRequest request)
        {
            DateTimeOffset now = _options.Clock();
            Entry entry = Volatile.Read(ref _entry);
            if (entry == null)
            {
                Task<Entry> fetch = FirstFetch(now);
                if (fetch != null)
                {
                    if (Interlocked.Increment(ref _waiting) > _options.MaxScriptWaiters)
                    {
                        Interlocked.Decrement(ref _waiting);
                        return Unavailable(1);
                    }
                    try
                    {
                        await fetch.ConfigureAwait(false);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref _waiting);
                    }
                }
                entry = Volatile.Read(ref _entry);
                if (entry == null) return Unavailable();
            }
            else if (now - entry.FetchedAt >= _options.ScriptMaxAge && now >= _quietUntil && !StillOpen
                     && Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0)
            {
                _ = RefreshAsync(entry);
            }
            return Respond(entry, request);
        }

        /// <summary>503, never cached (<see cref="ProxyResponse.Text"/> says <c>no-store</c>), retry after <paramref name="seconds"/> (default: the rest after a failure).</summary>
        private ProxyResponse Unavailable(int seconds = 0) =>
            ProxyResponse.Text(503, "/* " + _what + " is unavailable */")
                .With("Retry-After", (seconds > 0 ? seconds : (int)Math.Ceiling(_options.RetryAfterFailure.TotalSeconds)).ToString(CultureInfo.InvariantCulture));

        private async Task<Entry> FirstFetchAsync()
        {
            Entry fetched = await FetchAsync(null).ConfigureAwait(false);
            lock (_gate)
            {
                if (fetched != null) Volatile.Write(ref _entry, fetched);
                else _quietUntil = _options.Clock() + _options.RetryAfterFailure;
            }
            return fetched;
        }

        private async Task RefreshAsync(Entry stale)
        {
            try
            {
                Entry fetched = await FetchAsync(stale).ConfigureAwait(false);
                if (fetched != null) Volatile.Write(ref _entry, fetched);
                else lock (_gate) _quietUntil = _options.Clock() + _options.RetryAfterFailure;
            }
            finally
            {
                Volatile.Write(ref _refreshing, 0);
            }
        }

        /// <summary>A new entry; <paramref name="previous"/> renewed when Matomo says 304 or sends the same bytes; null on failure.</summary>
        private async Task<Entry> FetchAsync(Entry previous)
        {
            Interlocked.Increment(ref Fetches);
            var request = new HttpRequestMessage(HttpMethod.Get, _url);
            if (previous?.UpstreamETag != null) request.Headers.TryAddWithoutValidation("If-None-Match", previous.UpstreamETag);
            if (previous?.UpstreamLastModified != null) request.Headers.TryAddWithoutValidation("If-Modified-Since", previous.UpstreamLastModified);
            UpstreamResponse response;
            try
            {
                response = await UpstreamClient.SendAsync(request, _options.Timeout, _options.MaxScriptBytes, _options.ConnectionLease).ConfigureAwait(false);
            }
            catch (UpstreamFault fault)
            {
                if (fault.StillOpen != null) Volatile.Write(ref _stillOpen, fault.StillOpen);
                Outage.Failed(fault.Message);
                return null;
            }
            DateTimeOffset now = _options.Clock();
            if (response.Status == 304 && previous != null)
            {
                Outage.Succeeded();
                return new Entry
                {
                    Body = previous.Body, ETag = previous.ETag, LastModified = previous.LastModified, FetchedAt = now,
                    UpstreamETag = previous.UpstreamETag, UpstreamLastModified = previous.UpstreamLastModified,
                };
            }
            if (response.Status != 200 || response.Body.Length == 0)
            {
                Outage.Failed("answered HTTP " + response.Status.ToString(CultureInfo.InvariantCulture));
                return null;
            }
            Outage.Succeeded();
            string etag = ETagOf(response.Body);
            bool same = previous != null && previous.ETag == etag;
            return new Entry
            {
                Body = same ? previous.Body : response.Body,
                ETag = etag,
                LastModified = same ? previous.LastModified : Seconds(now),
                FetchedAt = now,
                UpstreamETag = SafeOrNull(response.Header("ETag")),
                UpstreamLastModified = SafeOrNull(response.Header("Last-Modified")),
            };
        }

        private static string SafeOrNull(string value) => ProxyHeaders.IsSafeValue(value) ? value : null;

        private static DateTimeOffset Seconds(DateTimeOffset t) => new DateTimeOffset(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

        private static string ETagOf(byte[] body)
        {
            using (SHA256 sha = SHA256.Create())
            {
                byte[] hash = sha.ComputeHash(body);
                return "\"" + BitConverter.ToString(hash, 0, 12).Replace("-", "").ToLowerInvariant() + "\"";
            }
        }

        private ProxyResponse Respond(Entry entry, ProxyRequest request)
        {
            bool notModified = IsNotModified(entry, request.Headers["If-None-Match"], request.Headers["If-Modified-Since"]);
            var response = new ProxyResponse(notModified ? 304 : 200);
            if (!notModified) response.With("Content-Type", "application/javascript; charset=utf-8");
            response.With("ETag", entry.ETag)
                .With("Last-Modified", entry.LastModified.ToString("r", CultureInfo.InvariantCulture))
                .With("Cache-Control", "public, max-age=" + ((long)_options.ScriptMaxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture))
                .With("X-Content-Type-Options", "nosniff");
            if (!notModified && request.Method != "HEAD") response.Body = entry.Body;
            return response;
        }

        /// <summary>RFC 9110: If-None-Match (weak comparison) decides when present; else If-Modified-Since.</summary>
        private static bool IsNotModified(Entry entry, string ifNoneMatch, string ifModifiedSince)
        {
            if (ifNoneMatch != null)
            {
                foreach (string tag in ifNoneMatch.Split(','))
                {
                    string t = tag.Trim();
                    if (t.StartsWith("W/", StringComparison.Ordinal)) t = t.Substring(2);
                    if (t == "*" || t == entry.ETag) return true;
                }
                return false;
            }
            return ifModifiedSince != null
                   && DateTimeOffset.TryParseExact(ifModifiedSince.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset since)
                   && entry.LastModified <= since;
        }
    }
}

using System;

namespace Matomo.Mvc5.Proxy
{
    /// <summary>How a <see cref="TrackerProxy"/> reaches Matomo and what it allows. Built from the settings; tests build their own.</summary>
    internal sealed class TrackerProxyOptions
    {
        /// <summary>Matomo's base URL as the web server reaches it, absolute, ending in <c>/</c>.</summary>
        public Uri Upstream { get; set; }

        /// <summary>The tracking endpoint relative to <see cref="Upstream"/> (default <c>matomo.php</c>).</summary>
        public string TrackerPath { get; set; } = "matomo.php";

        /// <summary>The tracker script relative to <see cref="Upstream"/> (default <c>matomo.js</c>).</summary>
        public string ScriptPath { get; set; } = "matomo.js";

        /// <summary>
        /// The Tag Manager container served at <c>js/container_ID.js</c> (<c>matomo:ContainerId</c>), from a cache
        /// like the script's; null serves none (404, as for any other container id).
        /// </summary>
        public string ContainerId { get; set; }

        /// <summary>The token that lets Matomo accept <c>cip</c>; null sends neither.</summary>
        public string TokenAuth { get; set; }

        /// <summary>The site's own path of the proxy, such as <c>/app/insights/</c>: what Matomo's URL is replaced by in answers.</summary>
        public string PublicBase { get; set; } = "/";

        /// <summary>The most any exchange with Matomo may take.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

        /// <summary>How long the cached script is served before it is refreshed in the background.</summary>
        public TimeSpan ScriptMaxAge { get; set; } = TimeSpan.FromHours(24);

        /// <summary>After a failed script fetch, how long the proxy answers 503 (or keeps the stale copy) before trying again.</summary>
        public TimeSpan RetryAfterFailure { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>
        /// The most the browser may take to send a tracking request's body, all of it (not each read): a browser that
        /// trickles its body gets 408 at this deadline and the read is stopped, instead of keeping the request (and
        /// on Mono its thread) as long as it likes. Default 5 seconds.
        /// </summary>
        public TimeSpan RequestBodyTimeout { get; set; } = TimeSpan.FromSeconds(5);

        /// <summary>The largest tracking request body accepted (bulk included).</summary>
        public int MaxRequestBodyBytes { get; set; } = 1024 * 1024;

        /// <summary>The largest tracking response accepted from Matomo.</summary>
        public int MaxResponseBodyBytes { get; set; } = 256 * 1024;

        /// <summary>The largest tracker script accepted from Matomo.</summary>
        public int MaxScriptBytes { get; set; } = 4 * 1024 * 1024;

        /// <summary>
        /// The most tracking requests that may wait on Matomo at once; further ones are answered harmlessly at once
        /// (not forwarded). Default: <see cref="DefaultMaxConcurrentForwards"/>.
        /// </summary>
        public int MaxConcurrentForwards { get; set; } = DefaultMaxConcurrentForwards();

        /// <summary>
        /// A quarter of the thread pool's worker threads (at least 4): on hosts that keep a thread for each request
        /// until it ends, async handler or not (Mono's System.Web does), requests waiting on a hanging Matomo can never
        /// take more than that from the site's pages.
        /// </summary>
        public static int DefaultMaxConcurrentForwards()
        {
            System.Threading.ThreadPool.GetMaxThreads(out int workers, out _);
            return Math.Max(4, workers / 4);
        }

        /// <summary>
        /// The most requests that wait for the tracker script's first fetch; further ones get 503 at once until it is
        /// cached. Default 8.
        /// </summary>
        public int MaxScriptWaiters { get; set; } = 8;

        /// <summary>
        /// How long after the last failed request a success ends an outage (see <see cref="OutageLog"/>): until then the
        /// failures are one outage, traced once. Default 30 seconds.
        /// </summary>
        public TimeSpan OutageEndsAfter { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>
        /// How long connections to Matomo are used before new ones are made, so that under steady traffic, when no
        /// connection is ever idle long enough to close, a change of Matomo's address in DNS is still picked up. On
        /// Mono the proxy renews its HttpClient each lease (see <see cref="LeasedClient"/>); on .NET Framework it is
        /// the <c>ConnectionLeaseTimeout</c> of Matomo's <c>ServicePoint</c>, set with <see cref="TuneProcess"/>.
        /// Default 60 seconds; negative: never.
        /// </summary>
        public TimeSpan ConnectionLease { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>
        /// Whether the proxy makes its process-wide changes as it starts (default true): raises the thread pool's
        /// minimum of worker threads (<see cref="TrackerProxy.ReserveThreads"/>), and sets Matomo's
        /// <c>ServicePoint</c>, shared by every <c>HttpWebRequest</c> of the process to that host
        /// (<see cref="UpstreamClient.Prepare"/>: connection limit, no <c>Expect: 100-continue</c>, no Nagle, the
        /// <see cref="ConnectionLease"/>). False leaves both as the application has them.
        /// </summary>
        public bool TuneProcess { get; set; } = true;

        /// <summary>
        /// Whether tracking requests are queued (<c>matomo:ProxyDelivery</c> <c>queued</c>, the default): answered at
        /// once (204, or the GIF to an image request) and handed to <see cref="Queue"/> as <see cref="QueuedHits"/>,
        /// so that no request waits on Matomo. False (<c>direct</c>) forwards each to Matomo and passes its answer on;
        /// a request that fails there is handed to <see cref="Queue"/> all the same. Without a <see cref="Queue"/>
        /// (or when it refuses a hit) requests are forwarded.
        /// </summary>
        public bool Queued { get; set; }

        /// <summary>
        /// Where queued hits go: given a hit's query (without <c>?</c>, without any authentication-only parameter)
        /// and the visitor's address (or null), true when accepted. The web layer connects it to the delivery outbox,
        /// which sends it with <c>cdt</c> (the time it was accepted), <c>cip</c> and its token. Null: none.
        /// </summary>
        public Func<string, string, bool> Queue { get; set; }

        /// <summary>The clock (tests turn it).</summary>
        public Func<DateTimeOffset> Clock { get; set; } = () => DateTimeOffset.UtcNow;
    }
}

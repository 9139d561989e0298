using System;

namespace Matomo.Mvc5.Delivery
{
    /// <summary>
    /// How a <see cref="DeliveryOutbox"/> reaches Matomo, where it spools and how it retries. Every value has a default;
    /// the settings (not parsed here) and the tests build their own.
    /// </summary>
    internal sealed class OutboxOptions
    {
        /// <summary>Matomo's tracking endpoint as the web server reaches it, absolute (such as <c>https://matomo.example/matomo.php</c>).</summary>
        public Uri Endpoint { get; set; }

        /// <summary>The token sent in each bulk body (never in the URL); with it, hits carry <c>cip</c>. Null sends neither.</summary>
        public string TokenAuth { get; set; }

        /// <summary>The spool's folder (such as the site's <c>App_Data/matomo-outbox</c>), shared by every worker process of a site.</summary>
        public string SpoolFolder { get; set; }

        /// <summary>The most the spool's files may hold together; when full, the oldest waiting hits are dropped (100 MB).</summary>
        public long MaxSpoolBytes { get; set; } = 100L * 1024 * 1024;

        /// <summary>The size at which a process starts a new segment file (4 MB; at most a sixteenth of <see cref="MaxSpoolBytes"/>).</summary>
        public long SegmentBytes { get; set; } = 4L * 1024 * 1024;

        /// <summary>The most this process's file of rejected hits may hold (0: a quarter of <see cref="MaxSpoolBytes"/>).</summary>
        public long MaxRejectedBytes { get; set; }

        /// <summary>The most hits in one bulk request (200).</summary>
        public int BatchSize { get; set; } = 200;

        /// <summary>How long the writer waits after a first hit for more to write with it (20 ms): hits are on disk within about this.</summary>
        public TimeSpan Linger { get; set; } = TimeSpan.FromMilliseconds(20);

        /// <summary>The most hits waiting in memory for the writer; beyond, hits are dropped and counted (100,000).</summary>
        public int MemoryCapacity { get; set; } = 100000;

        /// <summary>The most one bulk exchange with Matomo may take (10 s).</summary>
        public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>The first wait after a failed delivery (1 s); doubled after each further failure, with jitter.</summary>
        public TimeSpan RetryInitial { get; set; } = TimeSpan.FromSeconds(1);

        /// <summary>The longest wait between two attempts (60 s).</summary>
        public TimeSpan RetryMax { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>How often a process renews its lease and looks for the spool of dead processes (2 s).</summary>
        public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(2);

        /// <summary>After how long without a heartbeat a process counts as dead and its spool is taken over (30 s).</summary>
        public TimeSpan LeaseTimeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>
        /// The oldest hit Matomo accepts without a token (24 hours; Matomo asks for a token for an older <c>cdt</c>).
        /// Without <see cref="TokenAuth"/>, older hits are dropped and counted, never sent. A minute of margin is kept.
        /// </summary>
        public TimeSpan MaxAgeWithoutToken { get; set; } = TimeSpan.FromHours(24);

        /// <summary>The site's raw-data window (Matomo's "delete old raw data"); older hits are dropped. Null: no limit.</summary>
        public TimeSpan? RawDataWindow { get; set; }

        /// <summary>Whether each write is forced to the disk (fsync), not only handed to the operating system (false: a
        /// killed process loses nothing; a power cut may lose the last writes).</summary>
        public bool Fsync { get; set; }

        /// <summary>Where the outage's two lines go (when it starts, when it ends); default: <see cref="System.Diagnostics.Trace"/>.</summary>
        public Action<string> Log { get; set; } = line => System.Diagnostics.Trace.TraceWarning(line);

        /// <summary>A copy with the values checked; throws naming the option and the form expected.</summary>
        internal OutboxOptions Checked()
        {
            if (Endpoint == null || !Endpoint.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttp && Endpoint.Scheme != Uri.UriSchemeHttps))
                throw new ArgumentException("Endpoint: an absolute http or https URL of Matomo's matomo.php is expected", nameof(Endpoint));
            if (Endpoint.Query.IndexOf("token_auth", StringComparison.OrdinalIgnoreCase) >= 0)
                throw new ArgumentException("Endpoint: the token belongs in TokenAuth (sent in the body), not in the URL", nameof(Endpoint));
            if (string.IsNullOrEmpty(SpoolFolder)) throw new ArgumentException("SpoolFolder: a folder path is expected", nameof(SpoolFolder));
            if (MaxSpoolBytes < 64 * 1024) throw new ArgumentException("MaxSpoolBytes: at least 65536 is expected", nameof(MaxSpoolBytes));
            if (BatchSize < 1 || BatchSize > 10000) throw new ArgumentException("BatchSize: 1 to 10000 is expected", nameof(BatchSize));
            if (MemoryCapacity < 1) throw new ArgumentException("MemoryCapacity: at least 1 is expected", nameof(MemoryCapacity));
            if (RequestTimeout <= TimeSpan.Zero || RetryInitial <= TimeSpan.Zero || RetryMax < RetryInitial)
                throw new ArgumentException("RequestTimeout, RetryInitial, RetryMax: positive durations, RetryMax at least RetryInitial, are expected");
            if (Heartbeat <= TimeSpan.Zero || LeaseTimeout < Heartbeat + Heartbeat)
                throw new ArgumentException("LeaseTimeout: at least twice Heartbeat is expected", nameof(LeaseTimeout));
            var copy = (OutboxOptions)MemberwiseClone();
            copy.SegmentBytes = Math.Max(16 * 1024, Math.Min(SegmentBytes, MaxSpoolBytes / 16));
            if (MaxRejectedBytes < 0) throw new ArgumentException("MaxRejectedBytes: 0 (a quarter of MaxSpoolBytes) or more is expected", nameof(MaxRejectedBytes));
            if (copy.MaxRejectedBytes == 0) copy.MaxRejectedBytes = MaxSpoolBytes / 4;
            if (copy.Log == null) copy.Log = _ => { };
            return copy;
        }
    }
}

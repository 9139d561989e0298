using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Web.Hosting;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Delivery;
using Matomo.Mvc5.Tracking;

namespace Matomo.Mvc5
{
    /// <summary>
    /// The process's delivery outbox, made from the application's settings on first use (the spool under
    /// <c>matomo:DeliveryFolder</c>, Matomo at <c>matomo:DeliveryUpstream</c> + <c>matomo:TrackerPath</c>, the token of
    /// <c>matomo:TokenAuth</c>), registered with ASP.NET so that it flushes when the application stops; and the sink
    /// <see cref="MatomoTracker"/> hands hits to. Nothing here throws into a request.
    /// </summary>
    internal static class MatomoDelivery
    {
        private static readonly object Gate = new object();
        private static MatomoSettings _settings;
        private static DeliveryOutbox _outbox;
        private static IHitSink _override;

        /// <summary>Where <see cref="MatomoTracker"/>'s hits go: the outbox of the application's settings (tests set their own).</summary>
        internal static IHitSink Sink
        {
            get => _override ?? OutboxSink.Instance;
            set => _override = value;
        }

        /// <summary>The outbox of the application's settings, or null when they name no Matomo to deliver to or the spool cannot be opened (traced).</summary>
        internal static DeliveryOutbox Outbox
        {
            get
            {
                MatomoSettings settings;
                try { settings = MatomoConfiguration.Current; }
                catch (Exception) { return null; } // a bad setting: the helper reports it on the page
                // Without the lock while the settings stay (every queued proxy hit asks): _outbox is written before _settings.
                if (ReferenceEquals(settings, Volatile.Read(ref _settings))) return Volatile.Read(ref _outbox);
                lock (Gate)
                {
                    if (ReferenceEquals(settings, _settings)) return _outbox;
                    DeliveryOutbox previous = _outbox;
                    Volatile.Write(ref _outbox, Open(settings));
                    Volatile.Write(ref _settings, settings);
                    previous?.Stop(TimeSpan.FromSeconds(1)); // settings replaced (tests): the old outbox hands its spool on
                    return _outbox;
                }
            }
        }

        /// <summary>
        /// The tracker proxy's queue (<see cref="Proxy.TrackerProxyOptions.Queue"/>): hands a hit to the outbox; false
        /// when there is none, so that the proxy forwards the request itself.
        /// </summary>
        internal static readonly Func<string, string, bool> ProxyQueue = (query, visitorAddress) =>
        {
            DeliveryOutbox outbox = Outbox;
            if (outbox == null) return false;
            outbox.Accept(query, visitorAddress);
            return true;
        };

        /// <summary>The outbox's status now, or null when there is no outbox.</summary>
        internal static MatomoDeliveryStatus Status => Outbox?.Status;

        /// <summary>Asks every process on the outbox's spool folder to send its kept rejected hits again; false when
        /// there is no outbox.</summary>
        internal static bool ReplayRejected()
        {
            DeliveryOutbox outbox = Outbox;
            if (outbox == null) return false;
            DeliveryOutbox.RequestReplay(outbox.SpoolFolder);
            return true;
        }

        private static DeliveryOutbox Open(MatomoSettings settings)
        {
            Uri upstream = settings.Get(SettingTable.DeliveryUpstream);
            if (upstream == null || settings.SiteId == null) return null;
            string folder = settings.Get(SettingTable.DeliveryFolder);
            try
            {
                var options = new OutboxOptions
                {
                    Endpoint = new Uri(upstream, settings.TrackerPath),
                    TokenAuth = settings.Get(SettingTable.DeliveryTokenAuth),
                    SpoolFolder = MapFolder(folder),
                    MaxSpoolBytes = settings.Get(SettingTable.DeliveryMaxMegabytes) * 1024L * 1024L,
                    RawDataWindow = settings.Get(SettingTable.DeliveryRawDataDays) is int days ? TimeSpan.FromDays(days) : (TimeSpan?)null,
                    Log = line => Trace.TraceWarning("Matomo.Mvc5: " + line),
                };
                var outbox = new DeliveryOutbox(options);
                if (HostingEnvironment.IsHosted) HostingEnvironment.RegisterObject(new Stopper(outbox));
                return outbox;
            }
            catch (Exception e)
            {
                // Never the token or the upstream (it may hold a password): the folder and what went wrong.
                Trace.TraceError("Matomo.Mvc5: the delivery outbox could not open its spool in {0} ({1}: {2}); server-side hits are not sent.",
                    folder, e.GetType().Name, e.Message);
                return null;
            }
        }

        /// <summary><c>~/App_Data/x</c> under the application's folder; an absolute path as it is.</summary>
        internal static string MapFolder(string folder)
        {
            if (!folder.StartsWith("~/", StringComparison.Ordinal)) return folder;
            string mapped = HostingEnvironment.IsHosted ? HostingEnvironment.MapPath(folder) : null;
            return mapped ?? Path.Combine(AppDomain.CurrentDomain.BaseDirectory, folder.Substring(2).Replace('/', Path.DirectorySeparatorChar));
        }

        /// <summary>Flushes the outbox when ASP.NET stops the application (a recycle, a deployment): what is not
        /// delivered within a few seconds stays in the spool for the next process.</summary>
        private sealed class Stopper : IRegisteredObject
        {
            private readonly DeliveryOutbox _outbox;

            public Stopper(DeliveryOutbox outbox) => _outbox = outbox;

            public void Stop(bool immediate)
            {
                try { _outbox.Stop(immediate ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(3)); }
                catch (Exception) { /* the spool keeps what was not delivered */ }
                HostingEnvironment.UnregisterObject(this);
            }
        }

        /// <summary>The outbox as <see cref="MatomoTracker"/> sees it.</summary>
        private sealed class OutboxSink : IHitSink
        {
            public static readonly OutboxSink Instance = new OutboxSink();

            public bool Accept(string query, string visitorAddress)
            {
                DeliveryOutbox outbox = Outbox;
                if (outbox == null) return false;
                outbox.Accept(query, visitorAddress);
                return true;
            }

            public void Skipped(string cause) => Outbox?.CountSkipped(cause);
        }
    }
}

using Matomo.Mvc5.Tracking;

namespace Matomo.Mvc5
{
    /// <summary>The process's delivery of server-side hits: the sink <see cref="MatomoTracker"/> hands them to.</summary>
    internal static class MatomoDelivery
    {
        /// <summary>Where hits go; replaced by tests.</summary>
        internal static IHitSink Sink { get; set; }
    }
}

using System;
using System.Threading.Tasks;

namespace Matomo.Mvc5.Proxy
{
    /// <summary>Matomo could not be reached in time, or answered out of bounds. Its message never holds a URL or token.</summary>
    [Serializable]
    internal sealed class UpstreamFault : Exception
    {
        /// <summary>What went wrong.</summary>
        public enum Kinds { Timeout, Network, TooLarge }

        [NonSerialized]
        private Task _stillOpen;

        public UpstreamFault(Kinds kind, string detail, Task stillOpen = null)
            : base("Matomo upstream: " + kind + (detail == null ? "" : " (" + detail + ")"))
        {
            Kind = kind;
            _stillOpen = stillOpen;
        }

        public Kinds Kind { get; }

        /// <summary>
        /// After a timeout, the exchange the caller stopped waiting for: it ends when the platform has really aborted
        /// it or it completed (a connect in progress is not stopped by cancellation on Mono). Null when nothing goes on.
        /// </summary>
        public Task StillOpen => _stillOpen;
    }
}

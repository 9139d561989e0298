using System;

namespace Matomo.Mvc5.Proxy
{
    /// <summary>Matomo could not be reached in time, or answered out of bounds. Its message never holds a URL or token.</summary>
    [Serializable]
    internal sealed class UpstreamFault : Exception
    {
        /// <summary>What went wrong.</summary>
        public enum Kinds { Timeout, Network, TooLarge }

        public UpstreamFault(Kinds kind, string detail)
            : base("Matomo upstream: " + kind + (detail == null ? "" : " (" + detail + ")"))
        {
            Kind = kind;
        }

        public Kinds Kind { get; }
    }
}

using System;
using System.Net;
using Matomo.Mvc5.Addresses;

namespace Matomo.Mvc5
{
    /// <summary>Who the client of a request is, as far as Matomo is concerned: its address and whether it is internal.</summary>
    public sealed class MatomoClientInfo
    {
        /// <summary>The resolved address; null when the forwarding chain does not tell it.</summary>
        private readonly IpAddressValue? _address;

        private MatomoClientInfo(IpAddressValue? address, bool isInternal)
        {
            _address = address;
            IsInternal = isInternal;
        }

        /// <summary>The client address, or <c>null</c> when the forwarding chain does not tell it.</summary>
        public IPAddress Address => _address?.ToIPAddress();

        /// <summary>True when the client address lies in the internal IPs: tracking is commented out.</summary>
        public bool IsInternal { get; }

        /// <summary>
        /// Resolves the client from the peer address and forwarding headers (see <see cref="ClientAddressResolver"/>)
        /// and checks it against <paramref name="internalIps"/>. With settings, <c>MatomoSettings.ResolveClient</c>.
        /// </summary>
        internal static MatomoClientInfo Resolve(IpRangeList trustedProxies, ForwardedHeaderKind header, IpRangeList internalIps,
            string remoteAddress, string xForwardedFor, string forwarded)
        {
            bool known = ClientAddressResolver.TryResolve(remoteAddress, xForwardedFor, forwarded, trustedProxies, header, out IpAddressValue address);
            return known ? new MatomoClientInfo(address, internalIps.Contains(address)) : new MatomoClientInfo(null, false);
        }

        /// <inheritdoc />
        public override string ToString() => (_address?.ToString() ?? "unknown") + (IsInternal ? " (internal)" : "");
    }
}

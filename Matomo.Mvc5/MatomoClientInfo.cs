using System;
using System.Net;
using System.Web;

namespace Matomo.Mvc5
{
    /// <summary>Who the client of a request is, as far as Matomo is concerned: its address and whether it is internal.</summary>
    public sealed class MatomoClientInfo
    {
        internal static readonly object ItemKey = new object();
        private readonly IpAddressValue _address;
        private readonly bool _known;

        private MatomoClientInfo(bool known, IpAddressValue address, bool isInternal)
        {
            _known = known;
            _address = address;
            IsInternal = isInternal;
        }

        /// <summary>The client address, or <c>null</c> when the forwarding chain does not tell it.</summary>
        public IPAddress Address => _known ? _address.ToIPAddress() : null;

        /// <summary>True when the client address lies in the internal IPs: tracking is commented out.</summary>
        public bool IsInternal { get; }

        /// <summary>
        /// Resolves the client from the peer address and forwarding headers (see <see cref="ClientAddressResolver"/>)
        /// and checks it against <see cref="MatomoSettings.InternalIps"/>.
        /// </summary>
        public static MatomoClientInfo Resolve(MatomoSettings settings, string remoteAddress, string xForwardedFor, string forwarded)
        {
            if (settings == null) throw new ArgumentNullException(nameof(settings));
            bool known = ClientAddressResolver.TryResolve(remoteAddress, xForwardedFor, forwarded, settings.TrustedProxies,
                settings.ForwardedHeader, out IpAddressValue address);
            return new MatomoClientInfo(known, address, known && settings.InternalIps.Contains(address));
        }

        /// <summary>The verdict for <paramref name="context"/>: the one <see cref="MatomoModule"/> stored, else resolved now and stored.</summary>
        public static MatomoClientInfo For(HttpContextBase context) => For(context, MatomoConfiguration.Current);

        internal static MatomoClientInfo For(HttpContextBase context, MatomoSettings settings)
        {
            if (context == null) throw new ArgumentNullException(nameof(context));
            if (context.Items[ItemKey] is MatomoClientInfo stored) return stored;
            HttpRequestBase request = context.Request;
            MatomoClientInfo info = Resolve(settings, request.UserHostAddress, request.Headers["X-Forwarded-For"], request.Headers["Forwarded"]);
            context.Items[ItemKey] = info;
            return info;
        }

        internal static MatomoClientInfo For(HttpContext context, MatomoSettings settings)
        {
            if (context.Items[ItemKey] is MatomoClientInfo stored) return stored;
            HttpRequest request = context.Request;
            MatomoClientInfo info = Resolve(settings, request.UserHostAddress, request.Headers["X-Forwarded-For"], request.Headers["Forwarded"]);
            context.Items[ItemKey] = info;
            return info;
        }

        /// <inheritdoc />
        public override string ToString() => (_known ? _address.ToString() : "unknown") + (IsInternal ? " (internal)" : "");
    }

    /// <summary>Access to the Matomo verdict of a request from application code.</summary>
    public static class MatomoHttpContextExtensions
    {
        /// <summary>The client address and internal verdict of this request (resolved once per request).</summary>
        public static MatomoClientInfo GetMatomoClient(this HttpContextBase context) => MatomoClientInfo.For(context);
    }
}

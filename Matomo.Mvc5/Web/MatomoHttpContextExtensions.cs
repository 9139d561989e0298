using System;
using System.Web;

namespace Matomo.Mvc5
{
    /// <summary>Access to the Matomo verdict of a request from application code.</summary>
    public static class MatomoHttpContextExtensions
    {
        private static readonly object ClientKey = new object();

        /// <summary>
        /// The client address and internal verdict of this request: the one <see cref="MatomoModule"/> stored at the
        /// start of the request, else resolved now (once per request) from the peer address and trusted proxies'
        /// forwarding headers.
        /// </summary>
        public static MatomoClientInfo GetMatomoClient(this HttpContextBase context) => GetClient(context, MatomoConfiguration.Current);

        internal static MatomoClientInfo GetClient(HttpContextBase context, MatomoSettings settings)
        {
            if (context == null) throw new ArgumentNullException(nameof(context));
            if (context.Items[ClientKey] is MatomoClientInfo stored) return stored;
            HttpRequestBase request = context.Request;
            MatomoClientInfo info = MatomoClientInfo.Resolve(settings, request.UserHostAddress, request.Headers["X-Forwarded-For"], request.Headers["Forwarded"]);
            context.Items[ClientKey] = info;
            return info;
        }

        /// <summary>Whether this request's verdict was already resolved (by the module or an earlier call).</summary>
        internal static bool HasClient(HttpContextBase context) => context.Items[ClientKey] is MatomoClientInfo;
    }
}

using System;
using System.Web;
using Matomo.Mvc5.Configuration;

namespace Matomo.Mvc5
{
    /// <summary>Access to the Matomo verdict and page of a request from application code.</summary>
    public static class MatomoHttpContextExtensions
    {
        private static readonly object ClientKey = new object();
        private static readonly object PageKey = new object();

        /// <summary>
        /// The request's <see cref="MatomoPage"/>: created on first use and kept in <c>HttpContext.Items</c>, so that
        /// controllers, action filters, child actions and views all reach the same page, which <c>@Html.Matomo()</c>
        /// renders. From a controller: <c>HttpContext.GetMatomoPage().TrackGoal(3);</c>.
        /// </summary>
        public static MatomoPage GetMatomoPage(this HttpContextBase context)
        {
            if (context == null) throw new ArgumentNullException(nameof(context));
            if (context.Items[PageKey] is MatomoPage page) return page;
            page = new MatomoPage();
            context.Items[PageKey] = page;
            return page;
        }

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
            MatomoClientInfo info = settings.ResolveClient(request.UserHostAddress, request.Headers["X-Forwarded-For"], request.Headers["Forwarded"]);
            context.Items[ClientKey] = info;
            return info;
        }

        /// <summary>The request's page if application code made one, else <c>null</c> (rendering makes none).</summary>
        internal static MatomoPage PeekPage(HttpContextBase context) => context.Items[PageKey] as MatomoPage;

        /// <summary>Whether this request's verdict was already resolved (by the module or an earlier call).</summary>
        internal static bool HasClient(HttpContextBase context) => context.Items[ClientKey] is MatomoClientInfo;
    }
}

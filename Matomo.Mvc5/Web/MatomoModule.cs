using System.Web;

namespace Matomo.Mvc5
{
    /// <summary>
    /// Resolves each request's client address from the peer and trusted proxies' forwarding headers at the start of the
    /// request, and keeps the internal-address verdict for <c>Html.Matomo()</c> and for application code
    /// (<see cref="MatomoHttpContextExtensions.GetMatomoClient"/>). Optional: the helper resolves on demand without it.
    /// Register it in <c>system.webServer/modules</c> and <c>system.web/httpModules</c>.
    /// </summary>
    public sealed class MatomoModule : IHttpModule
    {
        /// <summary>Subscribes to <c>BeginRequest</c>.</summary>
        public void Init(HttpApplication context)
        {
            context.BeginRequest += (sender, e) => OnBeginRequest(new HttpContextWrapper(((HttpApplication)sender).Context));
        }

        internal static void OnBeginRequest(HttpContextBase context)
        {
            MatomoSettings settings = MatomoConfiguration.Current; // a bad key fails the request loudly, naming the key
            if (settings.IsEnabled) MatomoHttpContextExtensions.GetClient(context, settings);
        }

        /// <summary>Nothing to release.</summary>
        public void Dispose() { }
    }
}

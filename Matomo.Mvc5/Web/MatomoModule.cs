using System;
using System.Web;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Proxy;

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
        /// <summary>
        /// Subscribes to <c>BeginRequest</c>, and to <c>PostResolveRequestCache</c>, where requests under the tracker
        /// proxy's path (<c>matomo:ProxyPath</c>) are handed to the proxy: no other web.config registration. Starts the
        /// proxy (its first fetch of Matomo's script) when one is configured.
        /// </summary>
        public void Init(HttpApplication context)
        {
            StartProxy();
            StartDelivery();
            context.BeginRequest += (sender, e) => OnBeginRequest(new HttpContextWrapper(((HttpApplication)sender).Context));
            context.PostResolveRequestCache += (sender, e) => OnPostResolveRequestCache(new HttpContextWrapper(((HttpApplication)sender).Context));
        }

        /// <summary>
        /// Starts the tracker proxy when one is configured, so that it fetches Matomo's script before the first visitor
        /// asks for it. A bad setting is left for the requests to report (debug) or contain (production).
        /// </summary>
        private static void StartProxy()
        {
            try
            {
                MatomoSettings settings = MatomoConfiguration.Current;
                if (settings.Proxy != null) TrackerProxy.For(settings, MatomoDelivery.ProxyQueue);
            }
            catch (System.Configuration.ConfigurationErrorsException)
            {
                // MatomoConfigurationException among them: OnBeginRequest meets it again, with a request to report it on.
            }
        }

        /// <summary>
        /// Remaps a request under the proxy path to the tracker proxy's handler. Runs after routing has chosen its
        /// handler in the same event, so a site route such as <c>{controller}/{action}</c> cannot take the path.
        /// </summary>
        /// <summary>Opens the delivery outbox as the application starts, so that what a previous process left in the
        /// spool (a recycle, a crash) is delivered without waiting for a new hit.</summary>
        private static void StartDelivery()
        {
            try
            {
                _ = MatomoDelivery.Outbox;
            }
            catch (Exception)
            {
                // MatomoDelivery traces its own problems; the first server-side hit tries again.
            }
        }

        internal static void OnPostResolveRequestCache(HttpContextBase context)
        {
            MatomoSettings settings;
            try
            {
                settings = MatomoConfiguration.Current;
            }
            catch (Exception e) when (MatomoFailure.Contain(context, e))
            {
                return; // as in OnBeginRequest: in production a bad setting leaves the site's requests alone
            }
            MatomoProxySettings proxy = settings.Proxy;
            if (proxy == null) return;
            string subPath = ProxyRoute.SubPath(context.Request.Path, proxy.PublicPath);
            if (subPath == null) return;
            context.RemapHandler(new TrackerProxyHandler(TrackerProxy.For(settings, MatomoDelivery.ProxyQueue), settings, subPath));
        }

        /// <summary>
        /// Resolves the client. A bad setting fails the request with debug="true", naming the key; in production the
        /// request goes on untracked and <c>Html.Matomo()</c> renders the comment that names the problem.
        /// </summary>
        internal static void OnBeginRequest(HttpContextBase context)
        {
            try
            {
                MatomoSettings settings = MatomoConfiguration.Current;
                if (settings.IsEnabled) MatomoHttpContextExtensions.GetClient(context, settings);
            }
            catch (Exception e) when (MatomoFailure.Contain(context, e))
            {
                // Traced once per page by the helper, which meets the same problem; nothing to add here.
            }
        }

        /// <summary>
        /// The delivery outbox's status now (server-side hits of <see cref="MatomoTracker"/>): what was accepted,
        /// delivered, tracked, rejected, retried, what waits in memory and on disk, what was dropped and why, the last
        /// error. For a site's own health page; null when the settings name no Matomo to deliver to.
        /// </summary>
        public static MatomoDeliveryStatus DeliveryStatus => MatomoDelivery.Status;

        /// <summary>
        /// Sends the hits Matomo rejected again, once their cause is fixed (when Matomo rejects every hit, the cause is
        /// a setting: most often <c>matomo:TokenAuth</c> without write access to the site, or a wrong site id). The
        /// outbox keeps rejected hits in the spool folder's <c>.rejected</c> files (<see cref="MatomoDeliveryStatus.RejectedKept"/>);
        /// this asks every worker process that shares the folder to hand them back to its spool at its next heartbeat
        /// (within seconds; during an outage, at its next retry), oldest first, each with the time it was first accepted. Hits Matomo refuses again are kept
        /// again. Returns false (and does nothing) when the settings name no Matomo to deliver to.
        /// </summary>
        public static bool ReplayRejectedHits() => MatomoDelivery.ReplayRejected();

        /// <summary>Nothing to release.</summary>
        public void Dispose() { }
    }
}

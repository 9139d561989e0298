using System;
using System.Web;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Rendering;
using Matomo.Mvc5.Tracking;

namespace Matomo.Mvc5
{
    /// <summary>
    /// Builds a <see cref="MatomoTracker"/>: the visitor from the request (cookie, identity, address) and the site's
    /// rules, decided once. The cookie names are Matomo's: <c>_pk_id.*</c>, <c>mtm_consent</c>,
    /// <c>mtm_cookie_consent</c>, <c>mtm_consent_removed</c>.
    /// </summary>
    internal static class MatomoTrackerFactory
    {
        /// <summary>The causes a tracker is skipped for, as the status counts them.</summary>
        internal const string NotConfigured = "not-configured", Excluded = "excluded", InternalAddress = "internal-address",
            DoNotTrack = "do-not-track", OptedOut = "opted-out", NoConsent = "no-consent";

        public static MatomoTracker ForRequest(HttpContextBase context, MatomoSettings settings, IHitSink sink)
        {
            if (settings.SiteId == null) return new MatomoTracker(settings, sink, null, NotConfigured);
            HttpRequestBase request = context.Request;
            MatomoPage page = MatomoHttpContextExtensions.PeekPage(context);
            string skipped = Skipped(context, page, settings);
            if (skipped != null) return new MatomoTracker(settings, sink, null, skipped);

            bool cookies = !settings.DisableCookies
                && (settings.RequireConsent != MatomoConsentMode.Cookies || Cookie(request, "mtm_cookie_consent") != null);
            string visitorId = null;
            long? created = null;
            Uri url = request.Url;
            if (cookies && url != null)
            {
                string name = VisitorCookie.Name(settings.SiteId.Value, settings.CookieDomain, url.Host);
                if (VisitorCookie.TryRead(Cookie(request, name), out string id, out long seconds))
                {
                    visitorId = id;
                    created = seconds;
                }
            }
            string userId = page != null && page.UserIdDecided ? page.UserId : MatomoHtmlHelperExtensions.AutomaticIdentity(settings, context.User);
            var visitor = new TrackedVisitor(settings.SiteId.Value, visitorId, created, userId, url?.AbsoluteUri,
                request.UrlReferrer?.AbsoluteUri, request.UserAgent, request.Headers["Accept-Language"],
                MatomoHttpContextExtensions.GetClient(context, settings).Address?.ToString());
            return new MatomoTracker(settings, sink, visitor, null);
        }

        public static MatomoTracker ForVisitor(MatomoSettings settings, IHitSink sink, string visitorId, string userId, string method)
        {
            if (visitorId != null && !VisitorCookie.TryRead(visitorId + ".1.", out visitorId, out _))
                throw ArgumentCheck.Invalid(nameof(MatomoTracker), method, nameof(visitorId), "is not 16 hex digits (Matomo's visitor id, as MatomoTracker.VisitorId gives it)");
            if (userId != null) ArgumentCheck.Required(nameof(MatomoTracker), method, nameof(userId), userId);
            if (settings.SiteId == null) return new MatomoTracker(settings, sink, null, NotConfigured);
            return new MatomoTracker(settings, sink, new TrackedVisitor(settings.SiteId.Value, visitorId, null, userId, null, null, null, null, null, visitorIdForced: true), null);
        }

        /// <summary>The rules of the snippet, and those a server-side hit must add since no matomo.js is there to apply them.</summary>
        private static string Skipped(HttpContextBase context, MatomoPage page, MatomoSettings settings)
        {
            if (page != null && page.Suppression == MatomoSuppression.Excluded) return Excluded;
            switch (MatomoHtmlHelperExtensions.Suppression(context, settings, out _))
            {
                case MatomoSuppression.InternalAddress: return InternalAddress;
                case MatomoSuppression.DoNotTrack: return DoNotTrack;
                case MatomoSuppression.Excluded: return Excluded;
            }
            HttpRequestBase request = context.Request;
            // matomo.js's optUserOut (and the opt-out form) keep this cookie; consent given later removes it.
            if (Cookie(request, "mtm_consent_removed") != null) return OptedOut;
            if (settings.RequireConsent == MatomoConsentMode.Tracking && Cookie(request, "mtm_consent") == null) return NoConsent;
            return null;
        }

        private static string Cookie(HttpRequestBase request, string name)
        {
            string value = request.Cookies?[name]?.Value;
            return string.IsNullOrEmpty(value) ? null : value;
        }
    }
}

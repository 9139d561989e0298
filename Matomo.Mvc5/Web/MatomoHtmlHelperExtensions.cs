using System;
using System.Collections.Generic;
using System.Security.Principal;
using System.Web;
using System.Web.Mvc;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Rendering;

namespace Matomo.Mvc5
{
    /// <summary>The <c>@Html.Matomo()</c> and <c>@Html.MatomoOptOut()</c> helpers.</summary>
    public static class MatomoHtmlHelperExtensions
    {
        /// <summary>
        /// Renders Matomo's tracking code for this page, configured by the web.config keys (<c>matomo:DomainPath</c>,
        /// <c>matomo:SiteId</c>, ...), the request's <see cref="MatomoPage"/> (<c>HttpContext.GetMatomoPage()</c>) and
        /// the ViewData entries <c>matomo_vars</c>, <c>matomo_identity</c>, <c>analytical_identity</c>,
        /// <c>matomo_dimensions</c> and <c>matomo_commands</c>, which feed the same page. Renders nothing when the
        /// domain path or site id is unset, and a comment instead of tracking for internal client addresses, Do Not
        /// Track (when respected) and excluded requests (<see cref="MatomoPage.Exclude"/>, <c>[MatomoExclude]</c>,
        /// <c>matomo:ExcludedPaths</c>, <c>matomo:ExcludedRoles</c>). Put it just before <c>&lt;/body&gt;</c> in
        /// <c>_Layout.cshtml</c>, once per page.
        /// </summary>
        /// <remarks>
        /// In production (<c>&lt;compilation debug="false"&gt;</c>) a problem never takes the page down: an invalid
        /// setting or a malformed ViewData entry renders an HTML comment that names it (without values) and the full
        /// message goes to <c>System.Diagnostics.Trace</c>. With <c>debug="true"</c> it throws, and a snippet that is
        /// off because a key is unset is replaced by a comment naming the key. Call
        /// <see cref="MatomoConfiguration.Validate"/> in <c>Application_Start</c> to fail at start-up instead.
        /// </remarks>
        /// <param name="html">The view's HTML helper.</param>
        /// <param name="nonce">The request's Content-Security-Policy nonce for the script element; when null, the
        /// <c>HttpContext.Items</c> entry named by <c>matomo:NonceItemKey</c> is used, if any.</param>
        /// <exception cref="MatomoConfigurationException">With debug="true": a web.config key is invalid.</exception>
        /// <exception cref="MatomoViewDataException">With debug="true": a ViewData entry is malformed.</exception>
        public static IHtmlString Matomo(this HtmlHelper html, string nonce = null)
        {
            if (html == null) throw new ArgumentNullException(nameof(html));
            HttpContextBase context = html.ViewContext?.HttpContext;
            string snippet;
            try
            {
                snippet = Render(context, html.ViewData, MatomoConfiguration.Current, nonce);
            }
            catch (Exception e) when (MatomoFailure.Contain(context, e))
            {
                snippet = MatomoFailure.Report(e, "Html.Matomo()");
            }
            return MvcHtmlString.Create(snippet);
        }

        /// <summary>
        /// Renders a first-party opt-out control for the privacy page: a checkbox with a label and a status line, no
        /// iframe. It uses the tracker's own API (<c>isUserOptedOut</c>, <c>optUserOut</c>, <c>forgetUserOptOut</c>,
        /// or <c>rememberConsentGiven</c> when <c>matomo:RequireConsent</c> is <c>tracking</c>), so it shows and
        /// changes the tracker's state; the checkbox is checked while the visitor is tracked. It says plainly when the
        /// tracker did not load, carries the CSP nonce like the snippet, and does not shift the layout.
        /// The page still needs <c>@Html.Matomo()</c> (in the layout) to load the tracker.
        /// </summary>
        /// <param name="html">The view's HTML helper.</param>
        /// <param name="label">The checkbox's label; null for an English default.</param>
        /// <param name="trackedText">The status while the visitor is tracked; null for an English default.</param>
        /// <param name="optedOutText">The status while the visitor has opted out; null for an English default.</param>
        /// <param name="unavailableText">The status when the tracker did not load; null for an English default.</param>
        /// <param name="nonce">The request's Content-Security-Policy nonce; when null, the page's
        /// (<see cref="MatomoPage.Nonce"/>) or the <c>HttpContext.Items</c> entry named by <c>matomo:NonceItemKey</c>.</param>
        public static IHtmlString MatomoOptOut(this HtmlHelper html, string label = null, string trackedText = null,
            string optedOutText = null, string unavailableText = null, string nonce = null)
        {
            if (html == null) throw new ArgumentNullException(nameof(html));
            HttpContextBase context = html.ViewContext?.HttpContext;
            string control;
            try
            {
                control = RenderOptOut(context, MatomoConfiguration.Current, label, trackedText, optedOutText, unavailableText, nonce);
            }
            catch (Exception e) when (MatomoFailure.Contain(context, e))
            {
                control = MatomoFailure.Report(e, "Html.MatomoOptOut()");
            }
            return MvcHtmlString.Create(control);
        }

        internal static string RenderOptOut(HttpContextBase context, MatomoSettings settings, string label, string trackedText,
            string optedOutText, string unavailableText, string nonce)
        {
            MatomoPage page = context != null ? context.GetMatomoPage() : new MatomoPage();
            if (nonce == null) nonce = page.Nonce;
            if (nonce == null && context != null && settings.NonceItemKey != null) nonce = Convert.ToString(context.Items[settings.NonceItemKey]);
            return OptOutRenderer.Render(++page.OptOutCount,
                label ?? OptOutRenderer.DefaultLabel,
                trackedText ?? OptOutRenderer.DefaultTrackedText,
                optedOutText ?? OptOutRenderer.DefaultOptedOutText,
                unavailableText ?? OptOutRenderer.DefaultUnavailableText,
                nonce, settings.RequireConsent == MatomoConsentMode.Tracking);
        }

        internal static string Render(HttpContextBase context, ViewDataDictionary viewData, MatomoSettings settings, string nonce)
        {
            if (!settings.IsEnabled)
                return MatomoFailure.IsDebug(context) ? MatomoRenderer.RenderDisabledComment(MatomoFailure.WhyDisabled(settings)) : string.Empty;
            // The request's page and the ViewData entries feed one snippet; rendering changes neither.
            MatomoPage page = context == null ? null : MatomoHttpContextExtensions.PeekPage(context);
            ViewDataScript fromViewData = viewData == null ? null : MatomoViewData.ReadInto(viewData);
            // ViewData's identity entries win (as they always did), then the page's (SetUserId, ResetUserId), then the automatic one.
            string userId = fromViewData != null && fromViewData.UserIdDecided ? fromViewData.UserId
                : page != null && page.UserIdDecided ? page.UserId
                : AutomaticIdentity(settings, context?.User);

            MatomoSuppression suppression = page?.Suppression ?? MatomoSuppression.None;
            string reason = page?.ExclusionReason;
            if (context != null)
            {
                if (suppression == MatomoSuppression.None) suppression = Suppression(context, settings, out reason);
                if (nonce == null) nonce = page?.Nonce;
                if (nonce == null && settings.NonceItemKey != null) nonce = Convert.ToString(context.Items[settings.NonceItemKey]);
            }
            return MatomoRenderer.Render(settings, new SnippetInput(page, fromViewData, userId, suppression, reason, nonce));
        }

        /// <summary>Whether and why the request is not tracked: internal address, Do Not Track, excluded path or role.</summary>
        internal static MatomoSuppression Suppression(HttpContextBase context, MatomoSettings settings, out string reason)
        {
            reason = null;
            if (MatomoHttpContextExtensions.GetClient(context, settings).IsInternal) return MatomoSuppression.InternalAddress;
            if (settings.RespectDoNotTrack && AsksNotToBeTracked(context.Request)) return MatomoSuppression.DoNotTrack;
            string prefix = settings.ExcludedPaths.Count == 0 ? null : ExcludedPathPrefix(settings.ExcludedPaths, context.Request?.AppRelativeCurrentExecutionFilePath);
            if (prefix != null)
            {
                reason = "the path is under " + prefix + ", listed in " + MatomoSettings.Keys.ExcludedPaths;
                return MatomoSuppression.Excluded;
            }
            if (settings.ExcludedRoles.Count > 0 && InExcludedRole(settings.ExcludedRoles, context.User))
            {
                reason = "the signed-in user is in a role listed in " + MatomoSettings.Keys.ExcludedRoles; // never the name
                return MatomoSuppression.Excluded;
            }
            return MatomoSuppression.None;
        }

        /// <summary>
        /// The first of <paramref name="prefixes"/> (app-relative, such as <c>~/admin</c>) that <paramref name="path"/>
        /// is at or under, segment by segment and ignoring case (<c>~/admin</c> holds <c>~/Admin/Users</c>, not
        /// <c>~/administrators</c>); or <c>null</c>.
        /// </summary>
        internal static string ExcludedPathPrefix(IReadOnlyList<string> prefixes, string path)
        {
            if (string.IsNullOrEmpty(path)) return null;
            for (int i = 0; i < prefixes.Count; i++)
            {
                string prefix = prefixes[i];
                if (prefix == "~/") return prefix;
                if (path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && (path.Length == prefix.Length || path[prefix.Length] == '/'))
                    return prefix;
            }
            return null;
        }

        private static bool InExcludedRole(IReadOnlyList<string> roles, IPrincipal user)
        {
            if (user?.Identity == null || !user.Identity.IsAuthenticated) return false;
            for (int i = 0; i < roles.Count; i++)
                if (user.IsInRole(roles[i])) return true;
            return false;
        }

        internal static string AutomaticIdentity(MatomoSettings settings, IPrincipal user)
        {
            IIdentity id = settings.AutoIdentify ? user?.Identity : null;
            return id != null && id.IsAuthenticated && !string.IsNullOrEmpty(id.Name) ? id.Name : null;
        }

        private static bool AsksNotToBeTracked(HttpRequestBase request) =>
            request != null && (request.Headers["DNT"]?.Trim() == "1" || request.Headers["Sec-GPC"]?.Trim() == "1");
    }
}

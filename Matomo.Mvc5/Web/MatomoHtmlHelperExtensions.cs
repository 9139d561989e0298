using System;
using System.Security.Principal;
using System.Web;
using System.Web.Mvc;

namespace Matomo.Mvc5
{
    /// <summary>The <c>@Html.Matomo()</c> helper.</summary>
    public static class MatomoHtmlHelperExtensions
    {
        /// <summary>
        /// Renders Matomo's tracking code for this page, configured by the web.config keys (<c>matomo:DomainPath</c>,
        /// <c>matomo:SiteId</c>, ...) and the ViewData entries <c>matomo_vars</c>, <c>matomo_identity</c>,
        /// <c>analytical_identity</c>, <c>matomo_dimensions</c> and <c>matomo_commands</c>. Renders nothing when the
        /// domain path or site id is unset, and a comment instead of tracking for internal client addresses.
        /// Put it just before <c>&lt;/body&gt;</c> in <c>_Layout.cshtml</c>.
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

        internal static string Render(HttpContextBase context, ViewDataDictionary viewData, MatomoSettings settings, string nonce)
        {
            if (!settings.IsEnabled)
                return MatomoFailure.IsDebug(context) ? MatomoRenderer.RenderDisabledComment(MatomoFailure.WhyDisabled(settings)) : string.Empty;
            var page = new MatomoPageData();
            bool identityGiven = viewData != null && MatomoViewData.ReadInto(viewData, page);
            if (!identityGiven) page.UserId = AutomaticIdentity(settings, context?.User);

            if (context != null)
            {
                if (MatomoHttpContextExtensions.GetClient(context, settings).IsInternal) page.Suppression = MatomoSuppression.InternalAddress;
                else if (settings.RespectDoNotTrack && AsksNotToBeTracked(context.Request)) page.Suppression = MatomoSuppression.DoNotTrack;
                if (nonce == null && settings.NonceItemKey != null) nonce = Convert.ToString(context.Items[settings.NonceItemKey]);
            }
            page.Nonce = nonce;
            return MatomoRenderer.Render(settings, page);
        }

        private static string AutomaticIdentity(MatomoSettings settings, IPrincipal user)
        {
            IIdentity id = settings.AutoIdentify ? user?.Identity : null;
            return id != null && id.IsAuthenticated && !string.IsNullOrEmpty(id.Name) ? id.Name : null;
        }

        private static bool AsksNotToBeTracked(HttpRequestBase request) =>
            request != null && (request.Headers["DNT"]?.Trim() == "1" || request.Headers["Sec-GPC"]?.Trim() == "1");
    }
}

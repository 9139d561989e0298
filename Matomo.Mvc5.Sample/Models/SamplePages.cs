using System.Collections.Generic;

namespace Matomo.Mvc5.Sample.Models
{
    /// <summary>One page of the Sample: where it is and what it demonstrates.</summary>
    public sealed class SamplePage
    {
        public SamplePage(string title, string controller, string action, string demonstrates)
        {
            Title = title;
            Controller = controller;
            Action = action;
            Demonstrates = demonstrates;
        }

        /// <summary>The page's title, and its entry in the menu.</summary>
        public string Title { get; }
        public string Controller { get; }
        public string Action { get; }
        public string Demonstrates { get; }
    }

    /// <summary>
    /// The menu of the Sample, basics first. To show a new feature: add an action and its view, then one line here.
    /// </summary>
    public static class SamplePages
    {
        public static readonly IReadOnlyList<SamplePage> All = new[]
        {
            new SamplePage("Anonymous page", "Home", "Index",
                "Only @Html.Matomo() in the layout: a plain page view, as after the Quick start."),
            new SamplePage("Sign in", "Account", "SignIn",
                "Forms authentication: once signed in, every page sends your name as the user id (analytical:AutoIdentify)."),
            new SamplePage("Identity override", "Identity", "Override",
                "ViewData[\"matomo_identity\"] sets the user id sent to Matomo, whoever is signed in."),
            new SamplePage("Identity disabled", "Identity", "Disabled",
                "ViewData[\"matomo_identity\"] = null: no user id is sent, even when signed in."),
            new SamplePage("Custom dimensions", "Dimensions", "Index",
                "ViewBag.matomo_dimensions: one setCustomDimension per entry, before trackPageView."),
            new SamplePage("Custom variables", "Legacy", "Index",
                "A legacy controller sets ViewBag.matomo_vars; each becomes a setCustomVariable command."),
            new SamplePage("Event", "Events", "Index",
                "ViewBag.matomo_commands with a trackEvent command: an event is recorded with the page view."),
            new SamplePage("Page not found", "Nowhere", "Missing",
                "A broken link: the 404 page sets the document title that Matomo's FAQ recommends for 404s."),
            new SamplePage("Internal addresses", "Internal", "Index",
                "Staff exclusion: visitors from matomo:InternalIps are not tracked, also behind your proxies (analytical:TrustedProxies)."),
            new SamplePage("CSP nonce", "Csp", "Index",
                "A strict Content-Security-Policy with a nonce per request: matomo:NonceItemKey lets @Html.Matomo() find it."),
            // The typed page API.
            new SamplePage("Shop", "Shop", "Index",
                "Ecommerce through HttpContext.GetMatomoPage(): category and product views, cart updates, an order on its confirmation page."),
            new SamplePage("Search", "Search", "Index",
                "TrackSiteSearch(keyword, category, result count): the results page is a site search instead of a page view."),
            new SamplePage("Newsletter sign-up", "SignUp", "Index",
                "TrackGoal on the welcome page: a goal conversion (and an event) after the page view."),
            new SamplePage("Server-side tracking", "ServerSide", "Index",
                "MatomoTracker: a download counted when served, a page without JavaScript, an order tracked by a payment webhook, on the browser's visit."),
            new SamplePage("Privacy", "Privacy", "Index",
                "@Html.MatomoOptOut(): a first-party opt-out checkbox over the tracker's own API, no iframe."),
            new SamplePage("Back office", "Admin", "Index",
                "Staff are not tracked on any page: matomo:ExcludedRoles, checked with User.IsInRole; [MatomoExclude] on an action."),
            new SamplePage("Site-wide settings", "Settings", "Index",
                "Consent, Do Not Track, tracker options, more sites, Tag Manager: what is in effect, and the --set that tries each."),
        };
    }
}

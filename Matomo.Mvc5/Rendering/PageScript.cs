using System.Collections.Generic;

namespace Matomo.Mvc5.Rendering
{
    /// <summary>
    /// The per-page part of the snippet, written into the slots of the <see cref="SnippetTemplate"/>: the page's
    /// state-setting commands before the site's settings, the page view and the tracking commands after them.
    /// </summary>
    internal static class PageScript
    {
        /// <summary>
        /// The page's state-setting part, before the site's settings: reset of the user id; custom variables; the user
        /// id (never on an excluded page, not even in its comment); custom dimensions; the typed state commands in call
        /// order; the commands of <see cref="MatomoPage.Commands"/>. Of each kind, ViewData's come first.
        /// </summary>
        public static void WriteStateCommands(CharBuffer output, in SnippetInput input)
        {
            MatomoPage page = input.Page, viewData = input.ViewData;
            if (page != null && page.ResetsUserId) output.Append("_paq.push([\"resetUserId\"]);\n");
            if (viewData != null) WriteVariables(output, viewData.VariableList);
            if (page != null) WriteVariables(output, page.VariableList);
            if (input.UserId != null && input.Suppression != MatomoSuppression.Excluded)
            {
                output.Append("_paq.push([\"setUserId\"");
                JavaScriptEncoder.AppendArgument(output, input.UserId);
                output.Append("]);\n");
            }
            if (viewData != null) WriteDimensions(output, viewData.DimensionList);
            if (page != null) WriteDimensions(output, page.DimensionList);
            if (page?.StateScript != null) output.Append(page.StateScript);
            if (viewData != null) WriteCommands(output, viewData.CommandList);
            if (page != null) WriteCommands(output, page.CommandList);
        }

        // Plain for loops and few appends: these run for every page.

        private static void WriteVariables(CharBuffer output, List<CustomVariable> variables)
        {
            for (int i = 0; i < variables.Count; i++) variables[i].AppendTo(output);
        }

        private static void WriteDimensions(CharBuffer output, List<CustomDimension> dimensions)
        {
            for (int i = 0; i < dimensions.Count; i++) dimensions[i].AppendTo(output);
        }

        private static void WriteCommands(CharBuffer output, List<MatomoCommand> commands)
        {
            for (int i = 0; i < commands.Count; i++) output.Append(commands[i].Script);
        }

        /// <summary>
        /// The page view and what follows it: <c>trackPageView</c> (or the page's <c>trackSiteSearch</c> in its
        /// place), inside a new visit after <see cref="MatomoPage.ResetUserId"/>; then the page's tracking commands in
        /// call order. Without a page view of ours (only a Tag Manager container) the site search and the tracking
        /// commands are pushed for the container's tracker.
        /// </summary>
        public static void WritePageView(CharBuffer output, MatomoPage page, bool withPageView)
        {
            string siteSearch = page?.SiteSearchScript;
            bool newVisit = page != null && page.ResetsUserId;
            if (withPageView)
            {
                if (newVisit) output.Append("_paq.push([\"appendToTrackingUrl\", \"new_visit=1\"]);\n");
                output.Append(siteSearch ?? "_paq.push([\"trackPageView\"]);\n");
                if (newVisit) output.Append("_paq.push([\"appendToTrackingUrl\", \"\"]);\n");
            }
            else if (siteSearch != null)
            {
                output.Append(siteSearch);
            }
            if (page?.TrackingScript != null) output.Append(page.TrackingScript);
        }
    }
}

using System.Collections.Generic;

namespace Matomo.Mvc5.Rendering
{
    /// <summary>
    /// The per-page part of the snippet, written into the slots of the <see cref="SnippetTemplate"/>: the page's
    /// state-setting commands before the site's settings, the page view and the tracking commands after them.
    /// </summary>
    internal static class PageScript
    {
        private static readonly string NewVisitStart = CommandWriter.Statement(CommandName.AppendToTrackingUrl, "new_visit=1");
        private static readonly string NewVisitEnd = CommandWriter.Statement(CommandName.AppendToTrackingUrl, "");

        /// <summary>
        /// The page's state-setting part, before the site's settings: reset of the user id; custom variables; the user
        /// id (never on an excluded page, not even in its comment); custom dimensions; the typed state commands in call
        /// order; the commands of <see cref="MatomoPage.Commands"/>. Of each kind, ViewData's come first.
        /// </summary>
        public static void WriteStateCommands(CharBuffer output, in SnippetInput input)
        {
            MatomoPage page = input.Page;
            ViewDataScript viewData = input.ViewData;
            if (page != null && page.ResetsUserId) CommandWriter.Command(output, CommandName.ResetUserId);
            viewData?.WriteVariables(output);
            if (page != null) WriteVariables(output, page.VariableList);
            if (input.UserId != null && input.Suppression != MatomoSuppression.Excluded) TypedCommands.WriteUserId(output, input.UserId);
            viewData?.WriteDimensions(output);
            if (page != null) WriteDimensions(output, page.DimensionList);
            CharBuffer state = page?.TypedCommands?.State;
            if (state != null) output.Append(state);
            viewData?.WriteCommands(output);
            if (page != null) WriteCommands(output, page.CommandList);
        }

        // Plain for loops and few appends: these run for every page.

        private static void WriteVariables(CharBuffer output, List<CustomVariable> variables)
        {
            for (int i = 0; i < variables.Count; i++)
            {
                CustomVariable v = variables[i];
                TypedCommands.WriteVariable(output, v.Index, v.Name, v.Value, v.Scope);
            }
        }

        private static void WriteDimensions(CharBuffer output, List<CustomDimension> dimensions)
        {
            for (int i = 0; i < dimensions.Count; i++) TypedCommands.WriteDimension(output, dimensions[i].Id, dimensions[i].Value);
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
            TypedCommands typed = page?.TypedCommands;
            string siteSearch = typed?.SiteSearch;
            bool newVisit = page != null && page.ResetsUserId;
            if (withPageView)
            {
                if (newVisit) output.Append(NewVisitStart);
                output.Append(siteSearch ?? CommandName.TrackPageView.Statement);
                if (newVisit) output.Append(NewVisitEnd);
            }
            else if (siteSearch != null)
            {
                output.Append(siteSearch);
            }
            if (typed?.Tracking != null) output.Append(typed.Tracking);
        }
    }
}

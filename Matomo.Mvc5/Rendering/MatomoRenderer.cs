using System;
using System.Collections.Generic;

namespace Matomo.Mvc5
{
    /// <summary>
    /// Renders Matomo's tracking snippet for a page: the list of <c>_paq</c> commands, serialized through the one
    /// JavaScript encoder, the asynchronous load of the tracker, and a <c>&lt;noscript&gt;</c> image. Knows nothing of
    /// System.Web. The constant part of the snippet is built once per settings object.
    /// </summary>
    public static class MatomoRenderer
    {
        /// <summary>The opening of the comment that replaces tracking for an internal client address.</summary>
        public const string InternalAddressComment = "<!-- Matomo disabled on internal IP address";

        /// <summary>The opening of the comment that replaces tracking when the browser asks not to be tracked.</summary>
        public const string DoNotTrackComment = "<!-- Matomo disabled: the browser asks not to be tracked (Do Not Track or Global Privacy Control)";

        private const int KeptBufferCapacity = 16384;

        [ThreadStatic] private static CharBuffer _threadBuffer;

        /// <summary>The template of the settings rendered last: applications have one settings object.</summary>
        private static SnippetTemplate _lastTemplate;

        /// <summary>
        /// The opening of the comment that replaces tracking when the site excluded the request (the reason follows in
        /// parentheses).
        /// </summary>
        public const string ExcludedComment = "<!-- Matomo disabled: this request is excluded from tracking";

        /// <summary>
        /// Renders the snippet, or returns an empty string when <paramref name="settings"/> is not enabled (no domain
        /// path, or neither a site id nor a Tag Manager container). The page's own <see cref="MatomoPage.UserId"/>,
        /// <see cref="MatomoPage.Suppression"/> and <see cref="MatomoPage.Nonce"/> apply.
        /// </summary>
        public static string Render(MatomoSettings settings, MatomoPage page)
        {
            if (page == null) throw new ArgumentNullException(nameof(page));
            return Render(settings, new SnippetInput(page, null, page.UserId, page.Suppression, page.ExclusionReason, page.Nonce));
        }

        /// <summary>Renders the snippet of <paramref name="input"/>: the helper's way in, with its verdicts.</summary>
        internal static string Render(MatomoSettings settings, SnippetInput input)
        {
            if (settings == null) throw new ArgumentNullException(nameof(settings));
            if (!settings.IsEnabled) return string.Empty;

            SnippetTemplate template = TemplateFor(settings);
            CharBuffer output = _threadBuffer ?? new CharBuffer(4096);
            _threadBuffer = null;
            output.Clear();
            try
            {
                switch (input.Suppression)
                {
                    case MatomoSuppression.InternalAddress: output.Append(InternalAddressComment).Append('\n'); break;
                    case MatomoSuppression.DoNotTrack: output.Append(DoNotTrackComment).Append('\n'); break;
                    case MatomoSuppression.Excluded:
                        output.Append(ExcludedComment);
                        if (input.ExclusionReason != null)
                        {
                            output.Append(" (");
                            AppendCommentText(output, input.ExclusionReason);
                            output.Append(')');
                        }
                        output.Append('\n');
                        break;
                }
                template.Write(output, input);
                if (input.Suppression != MatomoSuppression.None) output.Append("\n-->");
                return output.ToString();
            }
            finally
            {
                if (output.Capacity <= KeptBufferCapacity) _threadBuffer = output;
            }
        }

        /// <summary>
        /// The comment that stands where the snippet would be when tracking is off for a reason the page should show:
        /// <c>&lt;!-- Matomo disabled: reason --&gt;</c>. The reason cannot end the comment early.
        /// </summary>
        internal static string RenderDisabledComment(string reason)
        {
            var output = new CharBuffer(reason.Length + 32);
            output.Append("<!-- Matomo disabled: ");
            AppendCommentText(output, reason);
            output.Append(" -->");
            return output.ToString();
        }

        /// <summary>Appends <paramref name="text"/> for the inside of an HTML comment, which it cannot end or corrupt.</summary>
        internal static void AppendCommentText(CharBuffer output, string text)
        {
            char previous = ' ';
            foreach (char c in text)
            {
                // "--" and ">" could end or corrupt the comment; "<" could open markup in a careless parser.
                char safe = c == '>' || c == '<' ? ' ' : c == '-' && previous == '-' ? '_' : c;
                output.Append(safe);
                previous = safe;
            }
        }

        private static SnippetTemplate TemplateFor(MatomoSettings settings)
        {
            SnippetTemplate template = _lastTemplate;
            if (template == null || !ReferenceEquals(template.Settings, settings))
                _lastTemplate = template = new SnippetTemplate(settings);
            return template;
        }

        /// <summary>
        /// The page's state-setting part, before the site's settings: reset of the user id; custom variables; the user
        /// id (never on an excluded page, not even in its comment); custom dimensions; the typed state commands in call
        /// order; the commands of <see cref="MatomoPage.Commands"/>. Of each kind, ViewData's come first.
        /// </summary>
        internal static void WritePageCommands(CharBuffer output, in SnippetInput input)
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
        internal static void WritePageView(CharBuffer output, MatomoPage page, bool withPageView)
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

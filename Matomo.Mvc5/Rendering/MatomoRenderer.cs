using System;
using System.Collections.Generic;
using Matomo.Mvc5.Configuration;

namespace Matomo.Mvc5.Rendering
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
    }
}

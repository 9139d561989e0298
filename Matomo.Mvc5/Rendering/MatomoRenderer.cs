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
        /// Renders the snippet, or returns an empty string when <paramref name="settings"/> is not enabled (no domain
        /// path, or neither a site id nor a Tag Manager container).
        /// </summary>
        public static string Render(MatomoSettings settings, MatomoPageData page)
        {
            if (settings == null) throw new ArgumentNullException(nameof(settings));
            if (page == null) throw new ArgumentNullException(nameof(page));
            if (!settings.IsEnabled) return string.Empty;

            SnippetTemplate template = TemplateFor(settings);
            CharBuffer output = _threadBuffer ?? new CharBuffer(4096);
            _threadBuffer = null;
            output.Clear();
            try
            {
                if (page.Suppression == MatomoSuppression.InternalAddress) output.Append(InternalAddressComment).Append('\n');
                else if (page.Suppression == MatomoSuppression.DoNotTrack) output.Append(DoNotTrackComment).Append('\n');
                template.Write(output, page);
                if (page.Suppression != MatomoSuppression.None) output.Append("\n-->");
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
            char previous = ' ';
            foreach (char c in reason)
            {
                // "--" and ">" could end or corrupt the comment; "<" could open markup in a careless parser.
                char safe = c == '>' || c == '<' ? ' ' : c == '-' && previous == '-' ? '_' : c;
                output.Append(safe);
                previous = safe;
            }
            output.Append(" -->");
            return output.ToString();
        }

        private static SnippetTemplate TemplateFor(MatomoSettings settings)
        {
            SnippetTemplate template = _lastTemplate;
            if (template == null || !ReferenceEquals(template.Settings, settings))
                _lastTemplate = template = new SnippetTemplate(settings);
            return template;
        }

        /// <summary>The per-request part of the snippet: the page's own commands.</summary>
        internal static void WritePageCommands(CharBuffer output, MatomoPageData page)
        {
            // Plain for loops and few appends: this runs for every page.
            List<CustomVariable> variables = page.VariableList;
            for (int i = 0; i < variables.Count; i++)
            {
                CustomVariable v = variables[i];
                output.Append("_paq.push([\"setCustomVariable\", ");
                JavaScriptEncoder.AppendInteger(output, v.Index);
                JavaScriptEncoder.AppendArgument(output, v.Name);
                JavaScriptEncoder.AppendArgument(output, v.Value);
                output.Append(v.Scope == CustomVariableScope.Visit ? ", \"visit\"]);\n" : ", \"page\"]);\n");
            }
            if (page.UserId != null)
            {
                output.Append("_paq.push([\"setUserId\"");
                JavaScriptEncoder.AppendArgument(output, page.UserId);
                output.Append("]);\n");
            }
            List<CustomDimension> dimensions = page.DimensionList;
            for (int i = 0; i < dimensions.Count; i++)
            {
                CustomDimension d = dimensions[i];
                output.Append("_paq.push([\"setCustomDimension\", ");
                JavaScriptEncoder.AppendInteger(output, d.Id);
                JavaScriptEncoder.AppendArgument(output, d.Value);
                output.Append("]);\n");
            }
            List<MatomoCommand> commands = page.CommandList;
            for (int i = 0; i < commands.Count; i++) output.Append(commands[i].Script);
        }
    }
}

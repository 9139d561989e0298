using System;
using System.Collections.Generic;
using System.Globalization;

namespace Matomo.Mvc5
{
    /// <summary>
    /// Renders Matomo's tracking snippet for a page: the list of <c>_paq</c> commands, serialized through the one
    /// JavaScript encoder, the asynchronous load of the tracker, and a <c>&lt;noscript&gt;</c> image. Knows nothing of
    /// System.Web.
    /// </summary>
    public static class MatomoRenderer
    {
        /// <summary>The opening of the comment that replaces tracking for an internal client address.</summary>
        public const string InternalAddressComment = "<!-- Matomo disabled on internal IP address";

        /// <summary>The opening of the comment that replaces tracking when the browser asks not to be tracked.</summary>
        public const string DoNotTrackComment = "<!-- Matomo disabled: the browser asks not to be tracked (Do Not Track or Global Privacy Control)";

        [ThreadStatic] private static CharBuffer _cachedBuilder;

        /// <summary>
        /// Renders the snippet, or returns an empty string when <paramref name="settings"/> is not enabled (no domain
        /// path, or neither a site id nor a Tag Manager container).
        /// </summary>
        public static string Render(MatomoSettings settings, MatomoPageData page)
        {
            if (settings == null) throw new ArgumentNullException(nameof(settings));
            if (page == null) throw new ArgumentNullException(nameof(page));
            if (!settings.IsEnabled) return string.Empty;

            CharBuffer sb = _cachedBuilder ?? new CharBuffer(4096);
            _cachedBuilder = null;
            sb.Clear();
            try
            {
                if (page.Suppression == MatomoSuppression.InternalAddress) sb.Append(InternalAddressComment).Append('\n');
                else if (page.Suppression == MatomoSuppression.DoNotTrack) sb.Append(DoNotTrackComment).Append('\n');
                settings.Template.Write(sb, page);
                if (page.Suppression != MatomoSuppression.None) sb.Append("\n-->");
                return sb.ToString();
            }
            finally
            {
                if (sb.Capacity <= 16384) _cachedBuilder = sb;
            }
        }

        internal static void WritePageCommands(CharBuffer sb, MatomoPageData page)
        {
            // Plain for loops and few appends: this is the per-request part of the snippet.
            List<CustomVariable> variables = page.VariablesOrNull;
            if (variables != null)
            {
                for (int i = 0; i < variables.Count; i++)
                {
                    CustomVariable v = variables[i];
                    sb.Append("_paq.push([\"setCustomVariable\", ");
                    JavaScriptEncoder.AppendInteger(sb, v.Index);
                    JavaScriptEncoder.AppendArgument(sb, v.Name);
                    JavaScriptEncoder.AppendArgument(sb, v.Value);
                    sb.Append(v.Scope == CustomVariableScope.Visit ? ", \"visit\"]);\n" : ", \"page\"]);\n");
                }
            }
            if (page.UserId != null)
            {
                sb.Append("_paq.push([\"setUserId\"");
                JavaScriptEncoder.AppendArgument(sb, page.UserId);
                sb.Append("]);\n");
            }
            List<CustomDimension> dimensions = page.DimensionsOrNull;
            if (dimensions != null)
            {
                for (int i = 0; i < dimensions.Count; i++)
                {
                    CustomDimension d = dimensions[i];
                    sb.Append("_paq.push([\"setCustomDimension\", ");
                    JavaScriptEncoder.AppendInteger(sb, d.Id);
                    JavaScriptEncoder.AppendArgument(sb, d.Value);
                    sb.Append("]);\n");
                }
            }
            List<MatomoCommand> commands = page.CommandsOrNull;
            if (commands != null)
            {
                for (int i = 0; i < commands.Count; i++)
                {
                    MatomoCommand c = commands[i];
                    sb.Append("_paq.push([\"").Append(c.Method).Append('"'); // an identifier: checked on construction
                    foreach (object argument in c.Arguments)
                    {
                        sb.Append(", ");
                        JavaScriptEncoder.TryAppendValue(sb, argument); // checked on construction
                    }
                    sb.Append("]);\n");
                }
            }
        }

        /// <summary>Appends <paramref name="value"/> HTML-encoded for a double-quoted attribute.</summary>
        internal static void AppendAttribute(CharBuffer sb, string value)
        {
            foreach (char c in value)
            {
                switch (c)
                {
                    case '&': sb.Append("&amp;"); break;
                    case '<': sb.Append("&lt;"); break;
                    case '>': sb.Append("&gt;"); break;
                    case '"': sb.Append("&quot;"); break;
                    case '\'': sb.Append("&#39;"); break;
                    default: sb.Append(c); break;
                }
            }
        }
    }

    /// <summary>
    /// The snippet of one <see cref="MatomoSettings"/>, built once: constant text with three kinds of slot filled per
    /// request (the nonce attribute, the page's commands, and the nonce of the scripts the snippet inserts).
    /// </summary>
    internal sealed class SnippetTemplate
    {
        private enum Slot { None, NonceAttribute, PageCommands, NonceStatement }

        private readonly string[] _parts;
        private readonly Slot[] _slots;

        public SnippetTemplate(MatomoSettings s)
        {
            var parts = new List<string>();
            var slots = new List<Slot>();
            var text = new CharBuffer();
            void Cut(Slot slot)
            {
                parts.Add(text.ToString());
                slots.Add(slot);
                text.Clear();
            }
            void Push(string method, params object[] args)
            {
                text.Append("_paq.push([");
                JavaScriptEncoder.AppendString(text, method);
                foreach (object a in args)
                {
                    text.Append(", ");
                    if (a is RawJs raw) text.Append(raw.Code);
                    else JavaScriptEncoder.TryAppendValue(text, a);
                }
                text.Append("]);\n");
            }
            void LoadScript(string url)
            {
                text.Append("var d=document, g=d.createElement(\"script\"), s=d.getElementsByTagName(\"script\")[0];\n");
                text.Append("g.async=true; g.src=").Append(url).Append(";");
                Cut(Slot.NonceStatement);
                text.Append(" s.parentNode.insertBefore(g,s);\n");
            }

            if (s.DomainPath == null)
            {
                _parts = new string[0];
                _slots = new Slot[0];
                return;
            }
            text.Append("<script");
            Cut(Slot.NonceAttribute);
            text.Append(">\nvar _paq = window._paq = window._paq || [];\n");
            Cut(Slot.PageCommands);
            if (s.DisableCookies) Push("disableCookies");
            if (s.RequireConsent == MatomoConsentMode.Tracking) Push("requireConsent");
            if (s.RequireConsent == MatomoConsentMode.Cookies) Push("requireCookieConsent");
            if (s.RespectDoNotTrack) Push("setDoNotTrack", true);
            string u = JavaScriptEncoder.EncodeString(s.BaseUrl);
            if (s.SiteId != null)
            {
                Push("trackPageView");
                if (s.EnableLinkTracking) Push("enableLinkTracking");
                if (s.HeartBeatSeconds > 0) Push("enableHeartBeatTimer", s.HeartBeatSeconds);
                text.Append("(function() {\nvar u=").Append(u).Append(";\n");
                Push("setTrackerUrl", new RawJs("u+" + JavaScriptEncoder.EncodeString(s.TrackerPath)));
                Push("setSiteId", s.SiteId.Value.ToString(CultureInfo.InvariantCulture));
                foreach (MatomoAdditionalTracker t in s.AdditionalTrackers)
                {
                    string trackerUrl = t.DomainPath == null
                        ? "u+" + JavaScriptEncoder.EncodeString(s.TrackerPath)
                        : JavaScriptEncoder.EncodeString(s.UrlFor(t.DomainPath) + s.TrackerPath);
                    Push("addTracker", new RawJs(trackerUrl), t.SiteId.ToString(CultureInfo.InvariantCulture));
                }
                LoadScript("u+" + JavaScriptEncoder.EncodeString(s.ScriptPath));
                text.Append("})();\n");
            }
            if (s.ContainerId != null)
            {
                text.Append("var _mtm = window._mtm = window._mtm || [];\n");
                text.Append("_mtm.push({\"mtm.startTime\": (new Date().getTime()), \"event\": \"mtm.Start\"});\n");
                text.Append("(function() {\n");
                LoadScript(JavaScriptEncoder.EncodeString(s.BaseUrl + "js/container_" + s.ContainerId + ".js"));
                text.Append("})();\n");
            }
            text.Append("</script>");
            if (s.SiteId != null && s.RequireConsent != MatomoConsentMode.Tracking)
            {
                // Without JavaScript no consent can be asked for, so consent-required sites get no image.
                text.Append("\n<noscript><p><img referrerpolicy=\"no-referrer-when-downgrade\" src=\"");
                MatomoRenderer.AppendAttribute(text, s.BaseUrl + s.TrackerPath + "?idsite=" + s.SiteId.Value.ToString(CultureInfo.InvariantCulture) + "&rec=1");
                text.Append("\" style=\"border:0;\" alt=\"\" /></p></noscript>");
            }
            Cut(Slot.None);
            _parts = parts.ToArray();
            _slots = slots.ToArray();
        }

        public void Write(CharBuffer sb, MatomoPageData page)
        {
            string nonce = string.IsNullOrEmpty(page.Nonce) ? null : page.Nonce;
            for (int i = 0; i < _parts.Length; i++)
            {
                sb.Append(_parts[i]);
                switch (_slots[i])
                {
                    case Slot.NonceAttribute when nonce != null:
                        sb.Append(" nonce=\"");
                        MatomoRenderer.AppendAttribute(sb, nonce);
                        sb.Append('"');
                        break;
                    case Slot.NonceStatement when nonce != null:
                        sb.Append(" g.setAttribute(\"nonce\", ");
                        JavaScriptEncoder.AppendString(sb, nonce);
                        sb.Append(");");
                        break;
                    case Slot.PageCommands:
                        MatomoRenderer.WritePageCommands(sb, page);
                        break;
                }
            }
        }

        private sealed class RawJs
        {
            public RawJs(string code) { Code = code; }
            public string Code { get; }
        }
    }
}

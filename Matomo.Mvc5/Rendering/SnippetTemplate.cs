using System.Collections.Generic;
using System.Globalization;
using Matomo.Mvc5.Configuration;

namespace Matomo.Mvc5.Rendering
{
    /// <summary>
    /// The snippet of one <see cref="MatomoSettings"/>, built once by <see cref="MatomoRenderer"/>: constant text with
    /// four kinds of slot filled per request (the nonce attribute, the page's state-setting commands, the page view with
    /// the page's tracking commands, and the nonce of the scripts the snippet inserts).
    /// </summary>
    internal sealed class SnippetTemplate
    {
        private enum Slot { None, NonceAttribute, PageCommands, PageView, NonceStatement }

        private readonly string[] _parts;
        private readonly Slot[] _slots;

        /// <summary>The same template for a page without a nonce: the parts around the (empty) nonce slots are one.</summary>
        private readonly string[] _partsWithoutNonce;
        private readonly Slot[] _slotsWithoutNonce;

        /// <summary>Builds the template of <paramref name="settings"/>, which must be enabled.</summary>
        public SnippetTemplate(MatomoSettings settings)
        {
            Settings = settings;
            var builder = new Builder();
            builder.Write(settings);
            _parts = builder.Parts.ToArray();
            _slots = builder.Slots.ToArray();
            var parts = new List<string>();
            var slots = new List<Slot>();
            string pending = "";
            for (int i = 0; i < _parts.Length; i++)
            {
                pending += _parts[i];
                if (_slots[i] == Slot.NonceAttribute || _slots[i] == Slot.NonceStatement) continue;
                parts.Add(pending);
                slots.Add(_slots[i]);
                pending = "";
            }
            _partsWithoutNonce = parts.ToArray();
            _slotsWithoutNonce = slots.ToArray();
        }

        /// <summary>The settings this template was built from.</summary>
        public MatomoSettings Settings { get; }

        /// <summary>Writes the snippet of <paramref name="input"/>.</summary>
        public void Write(CharBuffer output, in SnippetInput input)
        {
            bool withPageView = Settings.SiteId != null;
            string nonce = input.Nonce;
            string[] parts = nonce == null ? _partsWithoutNonce : _parts;
            Slot[] slots = nonce == null ? _slotsWithoutNonce : _slots;
            for (int i = 0; i < parts.Length; i++)
            {
                output.Append(parts[i]);
                switch (slots[i])
                {
                    case Slot.NonceAttribute when nonce != null:
                        output.Append(" nonce=\"");
                        HtmlEncoder.AppendAttribute(output, nonce);
                        output.Append('"');
                        break;
                    case Slot.NonceStatement when nonce != null:
                        output.Append(" g.setAttribute(\"nonce\", ");
                        JavaScriptEncoder.AppendString(output, nonce);
                        output.Append(");");
                        break;
                    case Slot.PageCommands:
                        PageScript.WriteStateCommands(output, input);
                        break;
                    case Slot.PageView:
                        PageScript.WritePageView(output, input.Page, withPageView);
                        break;
                }
            }
        }

        /// <summary>Collects the constant parts between the slots.</summary>
        private sealed class Builder
        {
            private readonly CharBuffer _text = new CharBuffer();
            public readonly List<string> Parts = new List<string>();
            public readonly List<Slot> Slots = new List<Slot>();

            public void Write(MatomoSettings s)
            {
                // Through the tracker proxy the page names only the site's own proxy path, never the Matomo host.
                string home = s.Proxy?.PublicPath ?? s.BaseUrl;
                string trackerName = s.Proxy == null ? s.TrackerPath : MatomoProxySettings.TrackingName;
                string scriptName = s.Proxy == null ? s.ScriptPath : MatomoProxySettings.ScriptName;
                string baseUrl = JavaScriptEncoder.EncodeString(home);
                string trackerUrl = "u+" + JavaScriptEncoder.EncodeString(trackerName);
                _text.Append("<script");
                Cut(Slot.NonceAttribute);
                _text.Append(">\nvar _paq = window._paq = window._paq || [];\n");
                Cut(Slot.PageCommands);
                if (s.DisableCookies) Push("disableCookies");
                if (s.RequireConsent == MatomoConsentMode.Tracking) Push("requireConsent");
                if (s.RequireConsent == MatomoConsentMode.Cookies) Push("requireCookieConsent");
                if (s.RespectDoNotTrack) Push("setDoNotTrack", true);
                // Cookie and domain settings, before the page view as Matomo's own tracking-code generator puts them.
                if (s.CookieDomain != null) Push("setCookieDomain", s.CookieDomain);
                if (s.Domains.Count > 0) Push("setDomains", s.Domains);
                if (s.CrossDomainLinking) Push("enableCrossDomainLinking");
                if (s.VisitorCookieTimeout != null) Push("setVisitorCookieTimeout", s.VisitorCookieTimeout.Value);
                if (s.SecureCookie) Push("setSecureCookie", true);
                if (s.CookieSameSite != null) Push("setCookieSameSite", s.CookieSameSite.Value.ToString());
                if (s.EnableJSErrorTracking) Push("enableJSErrorTracking");
                // trackPageView (or the page's trackSiteSearch), then the page's tracking commands.
                Cut(Slot.PageView);
                if (s.SiteId != null)
                {
                    string siteId = s.SiteId.Value.ToString(CultureInfo.InvariantCulture);
                    if (s.EnableLinkTracking) Push("enableLinkTracking");
                    if (s.HeartBeatSeconds > 0) Push("enableHeartBeatTimer", s.HeartBeatSeconds);
                    _text.Append("(function() {\nvar u=").Append(baseUrl).Append(";\n");
                    Push("setTrackerUrl", new Code(trackerUrl));
                    Push("setSiteId", siteId);
                    foreach (MatomoAdditionalTracker t in s.AdditionalTrackers)
                    {
                        string url = t.DomainPath == null ? trackerUrl : JavaScriptEncoder.EncodeString(s.UrlFor(t.DomainPath) + s.TrackerPath);
                        Push("addTracker", new Code(url), t.SiteId.ToString(CultureInfo.InvariantCulture));
                    }
                    LoadScript("u+" + JavaScriptEncoder.EncodeString(scriptName));
                    _text.Append("})();\n");
                }
                if (s.ContainerId != null && (s.Proxy != null || s.DomainPath != null)) // through the proxy, its path serves the container
                {
                    _text.Append("var _mtm = window._mtm = window._mtm || [];\n");
                    CommandWriter.BeginObject(_text, CommandWriter.TagManagerQueue);
                    CommandWriter.PropertyExpression(_text, true, "mtm.startTime", "(new Date().getTime())");
                    CommandWriter.PropertyString(_text, false, "event", "mtm.Start");
                    CommandWriter.EndObject(_text);
                    _text.Append("(function() {\n");
                    LoadScript(JavaScriptEncoder.EncodeString((s.Proxy != null ? s.Proxy.PublicPath : s.BaseUrl) + "js/container_" + s.ContainerId + ".js"));
                    _text.Append("})();\n");
                }
                _text.Append("</script>");
                if (s.SiteId != null && s.RequireConsent != MatomoConsentMode.Tracking)
                {
                    // Without JavaScript no consent can be asked for, so consent-required sites get no image.
                    _text.Append("\n<noscript><p><img referrerpolicy=\"no-referrer-when-downgrade\" src=\"");
                    HtmlEncoder.AppendAttribute(_text, home + trackerName + "?idsite=" + s.SiteId.Value.ToString(CultureInfo.InvariantCulture) + "&rec=1");
                    _text.Append("\" style=\"border:0;\" alt=\"\" /></p></noscript>");
                }
                Cut(Slot.None);
            }

            private void Cut(Slot slot)
            {
                Parts.Add(_text.ToString());
                Slots.Add(slot);
                _text.Clear();
            }

            /// <summary><c>_paq.push([method, args...]);</c> through the command writer: each argument encoded (a list of strings as an array), or written as is when it is <see cref="Code"/>.</summary>
            private void Push(string method, params object[] args)
            {
                CommandWriter.Begin(_text, method);
                foreach (object a in args)
                {
                    if (a is Code code) CommandWriter.Expression(_text, code.Text);
                    else if (a is IReadOnlyList<string> strings) CommandWriter.StringArray(_text, strings);
                    else CommandWriter.Value(_text, a);
                }
                CommandWriter.End(_text);
            }

            private void LoadScript(string urlExpression)
            {
                _text.Append("var d=document, g=d.createElement(\"script\"), s=d.getElementsByTagName(\"script\")[0];\n");
                _text.Append("g.async=true; g.src=").Append(urlExpression).Append(";");
                Cut(Slot.NonceStatement);
                _text.Append(" s.parentNode.insertBefore(g,s);\n");
            }
        }

        /// <summary>A JavaScript expression made here from encoded parts, written without further encoding.</summary>
        private sealed class Code
        {
            public Code(string text) { Text = text; }
            public string Text { get; }
        }
    }
}

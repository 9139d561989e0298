namespace Matomo.Mvc5.Rendering
{
    /// <summary>
    /// The first-party opt-out control of <c>Html.MatomoOptOut()</c>: a checkbox with a real label and a status line,
    /// driven by the tracker's own API through <c>_paq.push([function () { ... }])</c>, so that what it shows is the
    /// tracker's state. Pure: knows nothing of System.Web.
    /// </summary>
    /// <remarks>
    /// <para>The checkbox is checked while the visitor is tracked. It is disabled until the tracker answers; once the
    /// page has loaded without an answer (tracker blocked, failed, or commented out), the status says so.</para>
    /// <para>No layout shift: the status texts share one grid cell, so the line is as tall as the tallest text from
    /// the start and only their visibility changes. The styles are set through the CSSOM by the script (allowed under
    /// a strict Content-Security-Policy, unlike style attributes). Without JavaScript only the "unavailable" text
    /// shows.</para>
    /// </remarks>
    internal static class OptOutRenderer
    {
        public const string DefaultLabel = "Let this site measure my visits (Matomo web analytics)";
        public const string DefaultTrackedText = "Your visits are measured. Uncheck the box to opt out.";
        public const string DefaultOptedOutText = "You have opted out: your visits are not measured. Check the box to opt back in.";
        public const string DefaultUnavailableText =
            "The analytics tracker did not load (it may be blocked or switched off), so this choice cannot be shown or changed here.";

        /// <summary>Renders control number <paramref name="number"/> of its page.</summary>
        /// <param name="number">1 for the page's first control, 2 for the second, ...: its element ids.</param>
        /// <param name="label">The checkbox's label.</param>
        /// <param name="trackedText">The status while the visitor is tracked.</param>
        /// <param name="optedOutText">The status while the visitor has opted out.</param>
        /// <param name="unavailableText">The status when the tracker did not answer.</param>
        /// <param name="nonce">The CSP nonce for the script element, or null.</param>
        /// <param name="consentRequired">
        /// <c>matomo:RequireConsent</c> is <c>tracking</c>: checking the box remembers the consent
        /// (<c>rememberConsentGiven</c>), since <c>forgetUserOptOut</c> would give it for one page only.
        /// </param>
        public static string Render(int number, string label, string trackedText, string optedOutText, string unavailableText,
            string nonce, bool consentRequired)
        {
            string id = "matomo-opt-out-" + number.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var o = new CharBuffer(2048);
            o.Append("<div class=\"matomo-opt-out\" id=\"").Append(id).Append("\">\n");
            o.Append("<input type=\"checkbox\" id=\"").Append(id).Append("-checkbox\" disabled aria-describedby=\"").Append(id).Append("-status\">\n");
            o.Append("<label for=\"").Append(id).Append("-checkbox\">");
            HtmlEncoder.AppendAttribute(o, label);
            o.Append("</label>\n<p class=\"matomo-opt-out-status\" id=\"").Append(id).Append("-status\" role=\"status\">");
            Text(o, "unavailable", unavailableText, false);
            Text(o, "tracked", trackedText, true);
            Text(o, "opted-out", optedOutText, true);
            o.Append("</p>\n</div>\n<script");
            if (!string.IsNullOrEmpty(nonce))
            {
                o.Append(" nonce=\"");
                HtmlEncoder.AppendAttribute(o, nonce);
                o.Append('"');
            }
            o.Append(">\n(function () {\nvar root = document.getElementById(");
            JavaScriptEncoder.AppendString(o, id);
            o.Append(");\nif (!root) return;\n");
            o.Append(Script);
            o.Append("box.addEventListener(\"change\", function () {\n");
            CommandWriter.BeginWith(o, Queue, consentRequired ? OptInOrOutWithConsent : OptInOrOut);
            CommandWriter.End(o);
            o.Append("read();\n});\nread();\n})();\n</script>");
            return o.ToString();
        }

        private static void Text(CharBuffer o, string state, string text, bool hidden)
        {
            o.Append("<span data-matomo-state=\"").Append(state).Append(hidden ? "\" hidden>" : "\">");
            HtmlEncoder.AppendAttribute(o, text);
            o.Append("</span>");
        }

        /// <summary>The queue as the control's script reaches it: matomo.js replaces it with an object of its own when it loads.</summary>
        private const string Queue = "window." + CommandWriter.Queue;

        /// <summary>The first element of the command the checkbox pushes: the method for its new state.</summary>
        private static readonly string OptInOrOut = ChooseMethod("forgetUserOptOut"), OptInOrOutWithConsent = ChooseMethod("rememberConsentGiven");

        private static string ChooseMethod(string optIn) =>
            "box.checked ? " + JavaScriptEncoder.EncodeString(optIn) + " : " + JavaScriptEncoder.EncodeString("optUserOut");

        /// <summary>Asks the tracker for its state: a function pushed into the queue, which the tracker calls.</summary>
        private static readonly string Read = ReadCommand();

        private static string ReadCommand()
        {
            var o = new CharBuffer(256);
            o.Append("function read() {\n");
            CommandWriter.BeginWith(o, Queue,
                "function () {\n" +
                "answered = true;\n" +
                "var optedOut = this.isUserOptedOut();\n" +
                "box.checked = !optedOut;\n" +
                "box.disabled = false;\n" +
                "show(optedOut ? \"opted-out\" : \"tracked\");\n" +
                "}");
            CommandWriter.End(o);
            o.Append("}\n");
            return o.ToString();
        }

        /// <summary>The constant part of the script: stack the texts, ask the tracker, fall back to "unavailable".</summary>
        private static readonly string Script =
            "var box = root.getElementsByTagName(\"input\")[0], status = root.getElementsByTagName(\"p\")[0], texts = status.children, answered = false, i;\n" +
            "status.style.display = \"grid\";\n" +
            "for (i = 0; i < texts.length; i++) { texts[i].style.gridArea = \"1 / 1\"; texts[i].style.visibility = \"hidden\"; texts[i].hidden = false; }\n" +
            "function show(state) {\n" +
            "for (var j = 0; j < texts.length; j++) texts[j].style.visibility = texts[j].getAttribute(\"data-matomo-state\") === state ? \"visible\" : \"hidden\";\n" +
            "}\n" +
            // matomo.js replaces the queue with an object of its own when it loads: look it up at each push.
            Queue + " = " + Queue + " || [];\n" +
            Read +
            "function unavailable() { if (!answered) show(\"unavailable\"); }\n" +
            // The tracker runs the queue as soon as it has loaded, before the page's load event; a tracker that
            // loads later (a Tag Manager container) still answers, and the status follows.
            "if (document.readyState === \"complete\") setTimeout(unavailable, 3000);\n" +
            "else window.addEventListener(\"load\", function () { setTimeout(unavailable, 0); });\n";
    }
}

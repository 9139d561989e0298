using System;

namespace Matomo.Mvc5.Configuration
{
    /// <summary>
    /// The tracker proxy's settings (<c>matomo:Proxy*</c>): plain data, parsed and validated with the others, then
    /// immutable. Present on <see cref="MatomoSettings.Proxy"/> only when <c>matomo:ProxyPath</c> is set.
    /// </summary>
    public sealed class MatomoProxySettings
    {
        /// <summary>The default upstream timeout in seconds.</summary>
        public const int DefaultTimeoutSeconds = 5;

        /// <summary>The default age in seconds after which the cached tracker script is refreshed (one day).</summary>
        public const int DefaultScriptMaxAgeSeconds = 86400;

        /// <summary>The script's name below <see cref="PublicPath"/>: what the snippet loads and the proxy serves.</summary>
        internal const string ScriptName = "matomo.js";

        /// <summary>The tracking endpoint's name below <see cref="PublicPath"/>.</summary>
        internal const string TrackingName = "matomo.php";

        internal MatomoProxySettings(SettingValues values, string applicationPath)
        {
            Path = values.Get(SettingTable.ProxyPath);
            PublicPath = (applicationPath ?? "/").TrimEnd('/') + "/" + Path + "/";
            Upstream = values.Get(SettingTable.ProxyUpstream);
            TokenAuth = values.Get(SettingTable.ProxyTokenAuth);
            TimeoutSeconds = values.Get(SettingTable.ProxyTimeoutSeconds);
            ScriptMaxAgeSeconds = values.Get(SettingTable.ProxyScriptMaxAgeSeconds);
        }

        /// <summary><c>matomo:ProxyPath</c>: the site-relative path the proxy serves, without slashes at either end, such as <c>insights</c>.</summary>
        public string Path { get; }

        /// <summary>
        /// The browser's URL path of the proxy, such as <c>/insights/</c>, or <c>/app/insights/</c> in an application
        /// under a virtual path: what the snippet points at, and what <see cref="MatomoModule"/> serves.
        /// </summary>
        public string PublicPath { get; }

        /// <summary><c>matomo:ProxyUpstream</c>: where the web server reaches Matomo, absolute, ending in <c>/</c>.</summary>
        public Uri Upstream { get; }

        /// <summary>Whether <c>matomo:ProxyTokenAuth</c> is set. The token itself is never exposed by this class.</summary>
        public bool HasTokenAuth => TokenAuth != null;

        /// <summary>The token: internal, so that no public member, log line or message can carry it.</summary>
        internal string TokenAuth { get; }

        /// <summary><c>matomo:ProxyTimeoutSeconds</c> (default 5).</summary>
        public int TimeoutSeconds { get; }

        /// <summary><c>matomo:ProxyScriptMaxAgeSeconds</c> (default 86400).</summary>
        public int ScriptMaxAgeSeconds { get; }

        /// <inheritdoc />
        public override string ToString() => "proxy " + PublicPath + " -> " + Upstream + (HasTokenAuth ? " (with token)" : " (no token)");
    }
}

using System;
using Matomo.Mvc5.Configuration;

namespace Matomo.Mvc5.Proxy
{
    /// <summary>
    /// Classifies the path below the proxy prefix. Only four exact names and the configured Tag Manager container are served; the upstream URL is built from
    /// the configured paths, never from the request path, so no <c>..</c>, encoded slash, backslash, double slash or
    /// absolute URL can reach any other path of Matomo.
    /// </summary>
    internal static class ProxyRoute
    {
        /// <summary>The public names, as the browser asks for them below the prefix (the snippet's, from the settings).</summary>
        public const string ScriptName = MatomoProxySettings.ScriptName;

        /// <summary>The tracking endpoint's public name below the prefix.</summary>
        public const string TrackingName = MatomoProxySettings.TrackingName;

        /// <summary>The endpoint that <paramref name="subPath"/> (the raw path below the prefix, no leading slash) names.</summary>
        public static ProxyEndpoint Classify(string subPath)
        {
            switch (subPath)
            {
                case ScriptName:
                case "piwik.js":
                    return ProxyEndpoint.Script;
                case TrackingName:
                case "piwik.php":
                    return ProxyEndpoint.Tracking;
                default:
                    return ContainerId(subPath) != null ? ProxyEndpoint.Container : ProxyEndpoint.None;
            }
        }

        /// <summary>The container id of a path <c>js/container_ID.js</c> (ID: exactly 8 ASCII letters or digits), else null.</summary>
        public static string ContainerId(string subPath)
        {
            const string start = "js/container_", end = ".js";
            if (subPath == null || subPath.Length != start.Length + 8 + end.Length
                || !subPath.StartsWith(start, StringComparison.Ordinal) || !subPath.EndsWith(end, StringComparison.Ordinal)) return null;
            for (int i = start.Length; i < start.Length + 8; i++)
            {
                char c = subPath[i];
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')) return null;
            }
            return subPath.Substring(start.Length, 8);
        }

        /// <summary>
        /// The path below <paramref name="prefix"/> (an absolute path ending in <c>/</c>, such as <c>/app/insights/</c>)
        /// of <paramref name="path"/>, or null when <paramref name="path"/> is not under it. Case-insensitive, as IIS
        /// paths are.
        /// </summary>
        public static string SubPath(string path, string prefix)
        {
            if (path == null) return null;
            if (path.Length == prefix.Length - 1 && prefix.StartsWith(path, StringComparison.OrdinalIgnoreCase)) return "";
            return path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? path.Substring(prefix.Length) : null;
        }
    }
}

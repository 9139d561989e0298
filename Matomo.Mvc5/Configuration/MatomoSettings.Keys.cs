namespace Matomo.Mvc5.Configuration
{
    public sealed partial class MatomoSettings
    {
        /// <summary>The appSettings keys this library reads.</summary>
        public static class Keys
        {
            /// <summary>Matomo server: domain, optional port and URI path, no scheme, no trailing slash.</summary>
            public const string DomainPath = "matomo:DomainPath";
            /// <summary>The numeric site id.</summary>
            public const string SiteId = "matomo:SiteId";
            /// <summary><c>true</c> pushes <c>disableCookies</c>.</summary>
            public const string DisableCookies = "matomo:DisableCookies";
            /// <summary>Client addresses and ranges for which tracking is commented out.</summary>
            public const string InternalIps = "matomo:InternalIps";
            /// <summary>The same, shared by every analytics integration; used when <see cref="InternalIps"/> is unset.</summary>
            public const string AnalyticalInternalIps = "analytical:InternalIps";
            /// <summary>Identify authenticated users by their name (default true).</summary>
            public const string AutoIdentify = "analytical:AutoIdentify";
            /// <summary>Proxies whose forwarding headers are believed.</summary>
            public const string TrustedProxies = "analytical:TrustedProxies";
            /// <summary>Which forwarding header to read: <c>auto</c>, <c>X-Forwarded-For</c> or <c>Forwarded</c>.</summary>
            public const string ForwardedHeader = "analytical:ForwardedHeader";
            /// <summary>The <c>HttpContext.Items</c> key under which the site keeps the request's CSP nonce.</summary>
            public const string NonceItemKey = "matomo:NonceItemKey";
            /// <summary><c>none</c>, <c>tracking</c> or <c>cookies</c>.</summary>
            public const string RequireConsent = "matomo:RequireConsent";
            /// <summary>Honour <c>DNT: 1</c> and <c>Sec-GPC: 1</c>.</summary>
            public const string RespectDoNotTrack = "matomo:RespectDoNotTrack";
            /// <summary>Push <c>enableLinkTracking</c> (default true).</summary>
            public const string EnableLinkTracking = "matomo:EnableLinkTracking";
            /// <summary>Seconds for <c>enableHeartBeatTimer</c>; unset or 0: off.</summary>
            public const string HeartBeatSeconds = "matomo:HeartBeatSeconds";
            /// <summary>Load from <c>https://</c> instead of the protocol-relative <c>//</c>.</summary>
            public const string UseHttps = "matomo:UseHttps";
            /// <summary>The tracker endpoint, relative to the domain path (default <c>matomo.php</c>).</summary>
            public const string TrackerPath = "matomo:TrackerPath";
            /// <summary>The tracker script, relative to the domain path (default <c>matomo.js</c>).</summary>
            public const string ScriptPath = "matomo:ScriptPath";
            /// <summary>More sites that receive the same page view: <c>siteId</c> or <c>domainPath|siteId</c> entries.</summary>
            public const string AdditionalTrackers = "matomo:AdditionalTrackers";
            /// <summary>A Matomo Tag Manager container id.</summary>
            public const string ContainerId = "matomo:ContainerId";

            /// <summary>The tracker proxy: the site-relative path it is served under, such as <c>insights</c>; unset: no proxy.</summary>
            public const string ProxyPath = "matomo:ProxyPath";
            /// <summary>The absolute URL at which the web server reaches Matomo (default <c>https://</c> + DomainPath + <c>/</c>).</summary>
            public const string ProxyUpstream = "matomo:ProxyUpstream";
            /// <summary>The token_auth that lets Matomo accept the visitor address from the proxy; sent only to Matomo.</summary>
            public const string ProxyTokenAuth = "matomo:ProxyTokenAuth";
            /// <summary>Seconds the proxy waits for Matomo (default 5).</summary>
            public const string ProxyTimeoutSeconds = "matomo:ProxyTimeoutSeconds";
            /// <summary>Seconds after which the proxy refreshes its cached tracker script in the background (default 86400).</summary>
            public const string ProxyScriptMaxAgeSeconds = "matomo:ProxyScriptMaxAgeSeconds";

            /// <summary><c>false</c> leaves the process-wide changes the proxy makes (the thread pool's minimum, Matomo's
            /// <c>ServicePoint</c>) to the application (default <c>true</c>).</summary>
            public const string ProxyTuneProcess = "matomo:ProxyTuneProcess";
            /// <summary><c>queued</c> (default): the browser is answered at once and its hits delivered through the outbox;
            /// <c>direct</c>: each hit is forwarded to Matomo and its answer passed on (a failed one goes to the outbox).</summary>
            public const string ProxyDelivery = "matomo:ProxyDelivery";

            // ---- Delivery: the outbox of server-side hits ----
            /// <summary>The absolute URL at which the web server reaches Matomo for server-side hits (default
            /// <see cref="ProxyUpstream"/>, else <c>https://</c> + <see cref="DomainPath"/> + <c>/</c>).</summary>
            public const string DeliveryUpstream = "matomo:DeliveryUpstream";
            /// <summary>The token_auth the server sends its hits with (so that Matomo takes the visitor's address and
            /// their time of day); default <see cref="ProxyTokenAuth"/>. Sent only to Matomo, in request bodies.</summary>
            public const string TokenAuth = "matomo:TokenAuth";
            /// <summary>The folder of the delivery spool (default <c>~/App_Data/matomo-outbox</c>), shared by the site's processes.</summary>
            public const string DeliveryFolder = "matomo:DeliveryFolder";
            /// <summary>The most megabytes the spool keeps (default 100); beyond, the oldest hits are dropped and counted.</summary>
            public const string DeliveryMaxMegabytes = "matomo:DeliveryMaxMegabytes";
            /// <summary>Matomo's "delete old raw data" window in days: older hits are dropped, not sent to be refused.</summary>
            public const string DeliveryRawDataDays = "matomo:DeliveryRawDataDays";

            // ---- The page API's site-wide settings ----
            /// <summary>Roles (comma-separated) whose signed-in members are not tracked, checked with <c>IPrincipal.IsInRole</c>.</summary>
            public const string ExcludedRoles = "matomo:ExcludedRoles";
            /// <summary>App-relative path prefixes such as <c>~/admin</c> under which nothing is tracked.</summary>
            public const string ExcludedPaths = "matomo:ExcludedPaths";
            /// <summary>The tracker's cookie domain, such as <c>*.example.com</c>: <c>setCookieDomain</c>.</summary>
            public const string CookieDomain = "matomo:CookieDomain";
            /// <summary>The site's domains (and alias domains): <c>setDomains</c>.</summary>
            public const string Domains = "matomo:Domains";
            /// <summary><c>true</c> pushes <c>enableCrossDomainLinking</c> (needs <see cref="Domains"/>).</summary>
            public const string CrossDomainLinking = "matomo:CrossDomainLinking";
            /// <summary>Seconds the visitor cookie lives: <c>setVisitorCookieTimeout</c>.</summary>
            public const string VisitorCookieTimeout = "matomo:VisitorCookieTimeout";
            /// <summary><c>true</c> pushes <c>setSecureCookie</c>.</summary>
            public const string SecureCookie = "matomo:SecureCookie";
            /// <summary><c>Lax</c>, <c>Strict</c> or <c>None</c>: <c>setCookieSameSite</c>.</summary>
            public const string CookieSameSite = "matomo:CookieSameSite";
            /// <summary><c>true</c> pushes <c>enableJSErrorTracking</c>.</summary>
            public const string EnableJSErrorTracking = "matomo:EnableJSErrorTracking";

            /// <summary>Every key the library reads: the keys of <see cref="SettingTable"/>.</summary>
            internal static string[] All => SettingTable.AllKeys;
        }
    }
}

using System;
using System.Collections.Generic;
using System.Collections.Specialized;
using Matomo.Mvc5.Addresses;

namespace Matomo.Mvc5.Configuration
{
    /// <summary>
    /// The Matomo settings of a site: plain data, parsed and validated once from web.config <c>appSettings</c>
    /// (see <see cref="FromAppSettings"/>), then immutable. Use <see cref="MatomoConfiguration.Current"/> for the
    /// application's own.
    /// </summary>
    public sealed partial class MatomoSettings
    {
        /// <summary>Rails' RemoteIp defaults: loopback, private, link-local and unique-local ranges.</summary>
        public const string DefaultTrustedProxies = "127.0.0.0/8, ::1, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 169.254.0.0/16, fc00::/7, fe80::/10";

        private readonly SettingValues values;

        internal MatomoSettings(SettingValues values, string applicationPath)
        {
            this.values = values;
            DomainPath = values.Get(SettingTable.DomainPath);
            SiteId = values.Get(SettingTable.SiteId);
            DisableCookies = values.Get(SettingTable.DisableCookies);
            InternalIps = values.Get(SettingTable.InternalIps);
            AutoIdentify = values.Get(SettingTable.AutoIdentify);
            TrustedProxies = values.Get(SettingTable.TrustedProxies);
            ForwardedHeader = values.Get(SettingTable.ForwardedHeader);
            NonceItemKey = values.Get(SettingTable.NonceItemKey);
            RequireConsent = values.Get(SettingTable.RequireConsent);
            RespectDoNotTrack = values.Get(SettingTable.RespectDoNotTrack);
            EnableLinkTracking = values.Get(SettingTable.EnableLinkTracking);
            HeartBeatSeconds = values.Get(SettingTable.HeartBeatSeconds);
            UseHttps = values.Get(SettingTable.UseHttps);
            TrackerPath = values.Get(SettingTable.TrackerPath);
            ScriptPath = values.Get(SettingTable.ScriptPath);
            AdditionalTrackers = values.Get(SettingTable.AdditionalTrackers);
            ContainerId = values.Get(SettingTable.ContainerId);
            ExcludedRoles = values.Get(SettingTable.ExcludedRoles);
            ExcludedPaths = values.Get(SettingTable.ExcludedPaths);
            CookieDomain = values.Get(SettingTable.CookieDomain);
            Domains = values.Get(SettingTable.Domains);
            CrossDomainLinking = values.Get(SettingTable.CrossDomainLinking);
            VisitorCookieTimeout = values.Get(SettingTable.VisitorCookieTimeout);
            SecureCookie = values.Get(SettingTable.SecureCookie);
            CookieSameSite = values.Get(SettingTable.CookieSameSite);
            EnableJSErrorTracking = values.Get(SettingTable.EnableJSErrorTracking);
            Proxy = values.Get(SettingTable.ProxyPath) == null ? null : new MatomoProxySettings(values, applicationPath);
        }

        /// <summary>The value of any setting of <see cref="SettingTable"/>, also of those without a property here.</summary>
        internal T Get<T>(Setting<T> setting) => values.Get(setting);

        /// <summary>
        /// Parses and validates the settings from <paramref name="appSettings"/> (e.g. <c>ConfigurationManager.AppSettings</c>).
        /// Unset or empty keys take their defaults. <paramref name="applicationPath"/> is the site's virtual path
        /// (<c>HttpRuntime.AppDomainAppVirtualPath</c>, such as <c>/</c> or <c>/app</c>): the tracker proxy's public path starts with it.
        /// </summary>
        /// <exception cref="MatomoConfigurationException">A key is set but invalid, or a <c>matomo:</c> key looks like a
        /// typo of one of ours.</exception>
        public static MatomoSettings FromAppSettings(NameValueCollection appSettings, string applicationPath = "/")
        {
            if (appSettings == null) throw new ArgumentNullException(nameof(appSettings));
            return MatomoSettingsParser.Parse(key => appSettings[key], appSettings.AllKeys, applicationPath ?? "/");
        }

        /// <summary>
        /// Resolves the client of a request from its peer address and forwarding headers through
        /// <see cref="TrustedProxies"/> and <see cref="ForwardedHeader"/> (see <see cref="ClientAddressResolver"/>), and
        /// checks it against <see cref="InternalIps"/>. For a request, use <c>HttpContextBase.GetMatomoClient()</c>,
        /// which resolves once per request.
        /// </summary>
        public MatomoClientInfo ResolveClient(string remoteAddress, string xForwardedFor, string forwarded) =>
            MatomoClientInfo.Resolve(TrustedProxies, ForwardedHeader, InternalIps, remoteAddress, xForwardedFor, forwarded);

        /// <summary>The Matomo server (<c>matomo:DomainPath</c>), or <c>null</c> when unset.</summary>
        public string DomainPath { get; }

        /// <summary>The site id (<c>matomo:SiteId</c>), or <c>null</c> when unset.</summary>
        public int? SiteId { get; }

        /// <summary>
        /// Whether anything is rendered: a domain path or the tracker proxy, and a site id or Tag Manager container.
        /// </summary>
        public bool IsEnabled => (DomainPath != null || Proxy != null) && (SiteId != null || ContainerId != null);

        /// <summary>The tracker proxy (<c>matomo:Proxy*</c>), or <c>null</c> when <c>matomo:ProxyPath</c> is unset.</summary>
        public MatomoProxySettings Proxy { get; }

        /// <summary><c>matomo:DisableCookies</c>.</summary>
        public bool DisableCookies { get; }

        /// <summary><c>matomo:InternalIps</c>, else <c>analytical:InternalIps</c>, else empty.</summary>
        public IpRangeList InternalIps { get; }

        /// <summary><c>analytical:AutoIdentify</c> (default true).</summary>
        public bool AutoIdentify { get; }

        /// <summary><c>analytical:TrustedProxies</c> (default <see cref="DefaultTrustedProxies"/>).</summary>
        public IpRangeList TrustedProxies { get; }

        /// <summary><c>analytical:ForwardedHeader</c> (default <see cref="ForwardedHeaderKind.Auto"/>).</summary>
        public ForwardedHeaderKind ForwardedHeader { get; }

        /// <summary><c>matomo:NonceItemKey</c>, or <c>null</c>.</summary>
        public string NonceItemKey { get; }

        /// <summary><c>matomo:RequireConsent</c> (default <see cref="MatomoConsentMode.None"/>).</summary>
        public MatomoConsentMode RequireConsent { get; }

        /// <summary><c>matomo:RespectDoNotTrack</c>.</summary>
        public bool RespectDoNotTrack { get; }

        /// <summary><c>matomo:EnableLinkTracking</c> (default true).</summary>
        public bool EnableLinkTracking { get; }

        /// <summary><c>matomo:HeartBeatSeconds</c>; 0 when off.</summary>
        public int HeartBeatSeconds { get; }

        /// <summary><c>matomo:UseHttps</c>.</summary>
        public bool UseHttps { get; }

        /// <summary><c>matomo:TrackerPath</c> (default <c>matomo.php</c>).</summary>
        public string TrackerPath { get; }

        /// <summary><c>matomo:ScriptPath</c> (default <c>matomo.js</c>).</summary>
        public string ScriptPath { get; }

        /// <summary><c>matomo:AdditionalTrackers</c>.</summary>
        public IReadOnlyList<MatomoAdditionalTracker> AdditionalTrackers { get; }

        /// <summary><c>matomo:ContainerId</c>, or <c>null</c>.</summary>
        public string ContainerId { get; }

        // ---- the page API's site-wide settings ----

        /// <summary><c>matomo:ExcludedRoles</c>: signed-in members of these roles are not tracked (empty: none).</summary>
        public IReadOnlyList<string> ExcludedRoles { get; }

        /// <summary><c>matomo:ExcludedPaths</c>: app-relative prefixes such as <c>~/admin</c>, without a trailing
        /// slash, under which nothing is tracked (empty: none).</summary>
        public IReadOnlyList<string> ExcludedPaths { get; }

        /// <summary><c>matomo:CookieDomain</c> (<c>setCookieDomain</c>), or <c>null</c>.</summary>
        public string CookieDomain { get; }

        /// <summary><c>matomo:Domains</c> (<c>setDomains</c>; empty: not pushed).</summary>
        public IReadOnlyList<string> Domains { get; }

        /// <summary><c>matomo:CrossDomainLinking</c> (<c>enableCrossDomainLinking</c>).</summary>
        public bool CrossDomainLinking { get; }

        /// <summary><c>matomo:VisitorCookieTimeout</c> in seconds (<c>setVisitorCookieTimeout</c>), or <c>null</c> for Matomo's default.</summary>
        public int? VisitorCookieTimeout { get; }

        /// <summary><c>matomo:SecureCookie</c> (<c>setSecureCookie</c>).</summary>
        public bool SecureCookie { get; }

        /// <summary><c>matomo:CookieSameSite</c> (<c>setCookieSameSite</c>), or <c>null</c> for Matomo's default (Lax).</summary>
        public MatomoSameSite? CookieSameSite { get; }

        /// <summary><c>matomo:EnableJSErrorTracking</c> (<c>enableJSErrorTracking</c>).</summary>
        public bool EnableJSErrorTracking { get; }

        /// <summary>The URL prefix of the Matomo server: <c>//DomainPath/</c> or <c>https://DomainPath/</c>.</summary>
        public string BaseUrl => DomainPath == null ? null : UrlFor(DomainPath);

        internal string UrlFor(string domainPath) => (UseHttps ? "https://" : "//") + domainPath + "/";
    }
}

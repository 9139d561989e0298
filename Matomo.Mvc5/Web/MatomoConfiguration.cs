using System;
using System.Collections.Specialized;
using System.Configuration;
using System.Threading;
using Matomo.Mvc5.Configuration;

namespace Matomo.Mvc5
{
    /// <summary>The application's Matomo settings, read from web.config <c>appSettings</c> once, on first use.</summary>
    public static class MatomoConfiguration
    {
        private static Lazy<MatomoSettings> _current = CreateLazy();

        /// <summary>
        /// The settings from <c>ConfigurationManager.AppSettings</c>, parsed and validated on first use and then kept.
        /// Read it in <c>Application_Start</c> to fail fast on a bad key.
        /// </summary>
        /// <exception cref="MatomoConfigurationException">A key is set but invalid (thrown again on every access).</exception>
        public static MatomoSettings Current => _current.Value;

        /// <summary>
        /// Parses and validates the web.config settings now, for <c>Application_Start</c>: a site that calls it fails
        /// at start-up on a bad key instead of rendering a comment in its place on every page (production) or failing
        /// each page (debug).
        /// </summary>
        /// <returns>The settings in force.</returns>
        /// <exception cref="MatomoConfigurationException">A key is invalid; the message names it and the form expected.</exception>
        public static MatomoSettings Validate() => Current;

        /// <summary>Replaces the settings (for tests and hosts that configure Matomo in code); null goes back to web.config.</summary>
        internal static void Override(MatomoSettings settings)
        {
            Interlocked.Exchange(ref _current, settings == null ? CreateLazy() : new Lazy<MatomoSettings>(() => settings));
        }

        /// <summary>Reads the settings from <paramref name="appSettings"/> instead of web.config, on first use as usual (for tests).</summary>
        internal static void OverrideAppSettings(NameValueCollection appSettings)
        {
            Interlocked.Exchange(ref _current, CreateLazy(appSettings));
        }

        private static Lazy<MatomoSettings> CreateLazy(NameValueCollection appSettings = null) =>
            new Lazy<MatomoSettings>(() => MatomoSettings.FromAppSettings(appSettings ?? ConfigurationManager.AppSettings,
                    System.Web.HttpRuntime.AppDomainAppVirtualPath ?? "/"),
                LazyThreadSafetyMode.ExecutionAndPublication);
    }
}

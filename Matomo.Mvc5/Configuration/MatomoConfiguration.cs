using System;
using System.Configuration;
using System.Threading;

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

        /// <summary>Replaces the settings (for tests and hosts that configure Matomo in code); null goes back to web.config.</summary>
        internal static void Override(MatomoSettings settings)
        {
            Interlocked.Exchange(ref _current, settings == null ? CreateLazy() : new Lazy<MatomoSettings>(() => settings));
        }

        private static Lazy<MatomoSettings> CreateLazy() =>
            new Lazy<MatomoSettings>(() => MatomoSettings.FromAppSettings(ConfigurationManager.AppSettings), LazyThreadSafetyMode.ExecutionAndPublication);
    }
}

using System;

namespace Matomo.Mvc5.Configuration
{
    /// <summary>
    /// One appSettings key of <see cref="SettingTable"/>: its name, the form its value must have (the validation
    /// message), whether the value is a secret, and how it is read. The typed part is <see cref="Setting{T}"/>.
    /// </summary>
    internal abstract class Setting
    {
        protected Setting(string key, string form, string fallbackKey, Setting onlyWith, bool secret)
        {
            Key = key ?? throw new ArgumentNullException(nameof(key));
            Form = form;
            FallbackKey = fallbackKey;
            OnlyWith = onlyWith;
            Secret = secret;
        }

        /// <summary>The key, such as <c>matomo:SiteId</c>.</summary>
        public string Key { get; }

        /// <summary>The key read when <see cref="Key"/> is unset (<c>analytical:InternalIps</c> for <c>matomo:InternalIps</c>), or null.</summary>
        public string FallbackKey { get; }

        /// <summary>What a valid value looks like, for the message when it is not; null for a setting that refuses nothing.</summary>
        public string Form { get; }

        /// <summary>The setting that must be set for this one to be read at all (the proxy's keys need <c>matomo:ProxyPath</c>),
        /// or null. While that one is null (unset), this one is not read nor checked, and is <c>default(T)</c>.</summary>
        public Setting OnlyWith { get; }

        /// <summary>The value may hold a secret (a token, a password in a URL): no message ever quotes it.</summary>
        public bool Secret { get; }

        /// <summary>The setting's position in <see cref="SettingTable.All"/>: settings are read in that order, so a
        /// setting may look at those before it.</summary>
        internal int Index { get; set; } = -1;

        /// <summary>Reads the value from <paramref name="input"/> (its default when unset), or throws
        /// <see cref="MatomoConfigurationException"/>; null <paramref name="input"/>: the value of a setting not read.</summary>
        internal abstract object Read(SettingInput input);

        /// <inheritdoc />
        public override string ToString() => Key;
    }
}

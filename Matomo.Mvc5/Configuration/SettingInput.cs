using System;

namespace Matomo.Mvc5.Configuration
{
    /// <summary>What a setting's parser sees: the key read, its value, the settings read before it.</summary>
    internal sealed class SettingInput
    {
        private readonly Setting setting;
        private readonly object[] earlier;

        internal SettingInput(Setting setting, string key, string value, object[] earlier)
        {
            this.setting = setting;
            Key = key;
            Value = value;
            this.earlier = earlier;
        }

        /// <summary>The key the value came from: the setting's own, or its fallback key.</summary>
        public string Key { get; }

        /// <summary>The value, trimmed; null when the key is unset or empty.</summary>
        public string Value { get; }

        /// <summary>The value of a setting read before this one.</summary>
        /// <exception cref="InvalidOperationException"><paramref name="other"/> comes later in the table.</exception>
        public TOther Get<TOther>(Setting<TOther> other)
        {
            if (other.Index < 0 || other.Index >= setting.Index)
                throw new InvalidOperationException($"{setting.Key} reads {other.Key}, which the table defines after it: move {other.Key} up.");
            return (TOther)earlier[other.Index];
        }

        /// <summary>The exception for a value that is not of the setting's form, to throw: it names the key and the form,
        /// and quotes the value unless the setting is secret (or <paramref name="quote"/> is false).</summary>
        public MatomoConfigurationException Refuse(string detail = null, bool quote = true) => Refuse(setting.Form, detail, quote);

        /// <summary>As <see cref="Refuse(string, bool)"/>, with another form than the setting's usual one.</summary>
        public MatomoConfigurationException Refuse(string form, string detail, bool quote)
        {
            string shown = quote && !setting.Secret ? Value : null;
            if (detail == null || shown == null)
                return new MatomoConfigurationException(Key, shown, detail == null ? form : form + " (" + detail + ")");
            return new MatomoConfigurationException(Key, shown, form, detail);
        }
    }
}

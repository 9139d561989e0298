using System;
using System.Collections.Generic;

namespace Matomo.Mvc5.Configuration
{
    /// <summary>The value of every setting of <see cref="SettingTable"/>, read and checked once, in the table's order.</summary>
    internal sealed class SettingValues
    {
        private readonly object[] values;

        private SettingValues(object[] values) => this.values = values;

        /// <summary>Reads every setting through <paramref name="read"/> (a key's value, or null when unset).</summary>
        /// <exception cref="MatomoConfigurationException">A value is not of its setting's form.</exception>
        public static SettingValues Read(Func<string, string> read) => Read(read, SettingTable.All);

        /// <summary>Reads the settings of <paramref name="table"/> (numbered by <see cref="SettingTable.Number"/>) in its order.</summary>
        internal static SettingValues Read(Func<string, string> read, IReadOnlyList<Setting> table)
        {
            var values = new object[table.Count];
            foreach (Setting setting in table)
            {
                if (setting.OnlyWith != null && values[setting.OnlyWith.Index] == null)
                {
                    values[setting.Index] = setting.Read(null);
                    continue;
                }
                string key = setting.Key;
                string value = Clean(read(key));
                if (value == null && setting.FallbackKey != null)
                {
                    key = setting.FallbackKey;
                    value = Clean(read(key));
                }
                values[setting.Index] = setting.Read(new SettingInput(setting, key, value, values));
            }
            return new SettingValues(values);
        }

        /// <summary>The value of <paramref name="setting"/>.</summary>
        public T Get<T>(Setting<T> setting) => (T)values[setting.Index];

        private static string Clean(string value)
        {
            value = value?.Trim();
            return string.IsNullOrEmpty(value) ? null : value;
        }
    }
}

using System;

namespace Matomo.Mvc5.Configuration
{
    /// <summary>A setting whose value is a <typeparamref name="T"/>: <see cref="Setting"/> plus its parser and default.</summary>
    internal sealed class Setting<T> : Setting
    {
        private readonly Func<SettingInput, T> parse;
        private readonly Func<SettingInput, T> byDefault;

        /// <param name="key">The key.</param>
        /// <param name="form">What a valid value looks like (the message's "expected ...").</param>
        /// <param name="parse">Turns a set value (<see cref="SettingInput.Value"/>, trimmed, never empty) into the setting's
        /// value, or throws what <see cref="SettingInput.Refuse(string, bool)"/> gives.</param>
        /// <param name="byDefault">The value when the key is unset or empty (may look at earlier settings, or refuse).</param>
        /// <param name="fallbackKey">See <see cref="Setting.FallbackKey"/>.</param>
        /// <param name="onlyWith">See <see cref="Setting.OnlyWith"/>.</param>
        /// <param name="secret">See <see cref="Setting.Secret"/>.</param>
        public Setting(string key, string form, Func<SettingInput, T> parse, Func<SettingInput, T> byDefault,
            string fallbackKey = null, Setting onlyWith = null, bool secret = false)
            : base(key, form, fallbackKey, onlyWith, secret)
        {
            this.parse = parse ?? throw new ArgumentNullException(nameof(parse));
            this.byDefault = byDefault ?? throw new ArgumentNullException(nameof(byDefault));
        }

        /// <summary>Null <paramref name="input"/>: the setting is not read (its <see cref="Setting.OnlyWith"/> is unset), and is <c>default(T)</c>.</summary>
        internal override object Read(SettingInput input) => input == null ? default(T) : input.Value == null ? byDefault(input) : parse(input);
    }
}

using System;
using System.Configuration;
using System.Runtime.Serialization;

namespace Matomo.Mvc5
{
    /// <summary>
    /// A Matomo web.config setting is invalid, or a <c>matomo:</c> key looks like a typo of one. The message names the
    /// key and the form expected. It quotes the value only for settings whose values are not secret, and never the
    /// value of an unknown key (it may be a token that belongs to something else).
    /// </summary>
    [Serializable]
    public class MatomoConfigurationException : ConfigurationErrorsException
    {
        /// <summary>Creates the exception for <paramref name="key"/> holding <paramref name="value"/>.</summary>
        /// <param name="key">The appSettings key, e.g. <c>matomo:SiteId</c>.</param>
        /// <param name="value">The value found, quoted in the message; <c>null</c> keeps it out of the message.</param>
        /// <param name="expected">What the key takes, e.g. <c>a positive integer such as 4</c>.</param>
        public MatomoConfigurationException(string key, string value, string expected)
            : base(value == null
                ? $"The appSetting '{key}' is invalid: expected {expected}."
                : $"The appSetting '{key}' has the invalid value '{value}': expected {expected}.")
        {
            Key = key;
            Value = value;
            Expected = expected;
        }

        /// <summary>Like the public constructor, with a <paramref name="detail"/> that the message adds after the form.</summary>
        internal MatomoConfigurationException(string key, string value, string expected, string detail)
            : base($"The appSetting '{key}' has the invalid value '{value}': expected {expected} ({detail}).")
        {
            Key = key;
            Value = value;
            Expected = expected;
        }

        private MatomoConfigurationException(string key, string message, bool unknown) : base(message)
        {
            Key = key;
            Expected = unknown ? "no such setting" : null;
        }

        /// <summary>An unknown key that looks like a typo of <paramref name="meant"/>; its value is not quoted.</summary>
        internal static MatomoConfigurationException UnknownKey(string key, string meant) =>
            new MatomoConfigurationException(key, $"The appSetting '{key}' is not a Matomo.Mvc5 setting: did you mean {meant}?", true);

        /// <summary>Deserialization constructor.</summary>
        protected MatomoConfigurationException(SerializationInfo info, StreamingContext context) : base(info, context)
        {
            Key = info.GetString(nameof(Key));
            Value = info.GetString(nameof(Value));
            Expected = info.GetString(nameof(Expected));
        }

        /// <summary>The appSettings key that is invalid or unknown.</summary>
        public string Key { get; }

        /// <summary>The invalid value, or <c>null</c> when it is not disclosed (secrets, unknown keys).</summary>
        public string Value { get; }

        /// <summary>What the key takes, in words; safe to show (it holds no value).</summary>
        public string Expected { get; }

        /// <inheritdoc />
        public override void GetObjectData(SerializationInfo info, StreamingContext context)
        {
            base.GetObjectData(info, context);
            info.AddValue(nameof(Key), Key);
            info.AddValue(nameof(Value), Value);
            info.AddValue(nameof(Expected), Expected);
        }
    }
}

using System;
using System.Configuration;
using System.Runtime.Serialization;

namespace Matomo.Mvc5
{
    /// <summary>
    /// A Matomo web.config setting is set but invalid. The message names the key, the value and the form expected.
    /// </summary>
    [Serializable]
    public class MatomoConfigurationException : ConfigurationErrorsException
    {
        /// <summary>Creates the exception for <paramref name="key"/> holding <paramref name="value"/>.</summary>
        /// <param name="key">The appSettings key, e.g. <c>matomo:SiteId</c>.</param>
        /// <param name="value">The value found.</param>
        /// <param name="expected">What the key takes, e.g. <c>a positive integer such as 4</c>.</param>
        public MatomoConfigurationException(string key, string value, string expected)
            : base($"The appSetting '{key}' has the invalid value '{value}': expected {expected}.")
        {
            Key = key;
            Value = value;
        }

        /// <summary>Deserialization constructor.</summary>
        protected MatomoConfigurationException(SerializationInfo info, StreamingContext context) : base(info, context)
        {
            Key = info.GetString(nameof(Key));
            Value = info.GetString(nameof(Value));
        }

        /// <summary>The appSettings key whose value is invalid.</summary>
        public string Key { get; }

        /// <summary>The invalid value.</summary>
        public string Value { get; }

        /// <inheritdoc />
        public override void GetObjectData(SerializationInfo info, StreamingContext context)
        {
            base.GetObjectData(info, context);
            info.AddValue(nameof(Key), Key);
            info.AddValue(nameof(Value), Value);
        }
    }
}

using System;
using System.Runtime.Serialization;

namespace Matomo.Mvc5
{
    /// <summary>A ViewData entry read by <c>Html.Matomo()</c> holds something it cannot use; the message says what and where.</summary>
    [Serializable]
    public class MatomoViewDataException : InvalidOperationException
    {
        /// <summary>Creates the exception for <paramref name="entry"/>.</summary>
        public MatomoViewDataException(string entry, string message) : base($"ViewData[\"{entry}\"]: {message}")
        {
            Entry = entry;
        }

        /// <summary>Deserialization constructor.</summary>
        protected MatomoViewDataException(SerializationInfo info, StreamingContext context) : base(info, context)
        {
            Entry = info.GetString(nameof(Entry));
        }

        /// <summary>The ViewData key, such as <c>matomo_vars</c>.</summary>
        public string Entry { get; }

        /// <inheritdoc />
        public override void GetObjectData(SerializationInfo info, StreamingContext context)
        {
            base.GetObjectData(info, context);
            info.AddValue(nameof(Entry), Entry);
        }
    }
}

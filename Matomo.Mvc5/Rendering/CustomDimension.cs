using System;

namespace Matomo.Mvc5
{
    /// <summary>A Matomo custom dimension value, pushed as <c>setCustomDimension</c>.</summary>
    public sealed class CustomDimension
    {
        /// <summary>Creates a custom dimension value.</summary>
        /// <param name="id">The dimension id in Matomo, 1 or more.</param>
        /// <param name="value">The value (null clears it).</param>
        public CustomDimension(int id, string value)
        {
            if (id < 1) throw new ArgumentOutOfRangeException(nameof(id), id, "A custom dimension id must be 1 or more.");
            Id = id;
            Value = value;
        }

        /// <summary>The dimension id.</summary>
        public int Id { get; }

        /// <summary>The value.</summary>
        public string Value { get; }
    }
}

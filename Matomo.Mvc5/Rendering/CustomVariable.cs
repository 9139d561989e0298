using System;

namespace Matomo.Mvc5
{
    /// <summary>A Matomo custom variable: <c>(index, name, value[, scope])</c>, pushed as <c>setCustomVariable</c>.</summary>
    public sealed class CustomVariable
    {
        /// <summary>Creates a custom variable.</summary>
        /// <param name="index">The slot, 1 or more (Matomo has 5 per scope by default).</param>
        /// <param name="name">The variable's name.</param>
        /// <param name="value">The variable's value.</param>
        /// <param name="scope">Page (default) or visit.</param>
        public CustomVariable(int index, string name, string value, CustomVariableScope scope = CustomVariableScope.Page)
        {
            if (index < 1) throw new ArgumentOutOfRangeException(nameof(index), index, "A custom variable index must be 1 or more.");
            if (scope != CustomVariableScope.Page && scope != CustomVariableScope.Visit) throw new ArgumentOutOfRangeException(nameof(scope));
            Index = index;
            Name = name ?? throw new ArgumentNullException(nameof(name));
            Value = value ?? throw new ArgumentNullException(nameof(value));
            Scope = scope;
        }

        /// <summary>The slot, 1 or more.</summary>
        public int Index { get; }

        /// <summary>The name.</summary>
        public string Name { get; }

        /// <summary>The value.</summary>
        public string Value { get; }

        /// <summary>Page or visit.</summary>
        public CustomVariableScope Scope { get; }
    }
}

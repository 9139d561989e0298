using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Matomo.Mvc5
{
    /// <summary>The scope of a Matomo custom variable.</summary>
    public enum CustomVariableScope
    {
        /// <summary>The variable belongs to the page view (the default).</summary>
        Page,
        /// <summary>The variable belongs to the whole visit.</summary>
        Visit,
    }

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

    /// <summary>
    /// A tracker command pushed before <c>trackPageView</c>: a method name and its arguments, such as
    /// <c>new MatomoCommand("setDocumentTitle", "404/URL = /missing")</c> or
    /// <c>new MatomoCommand("trackEvent", "Video", "Play", "Intro", 1)</c>.
    /// </summary>
    public sealed class MatomoCommand
    {
        private static readonly Regex Identifier = new Regex("^[A-Za-z_$][A-Za-z0-9_$]*\\z", RegexOptions.CultureInvariant);
        private readonly object[] _arguments;

        /// <summary>Creates a command.</summary>
        /// <param name="method">A tracker method: a plain JavaScript identifier.</param>
        /// <param name="arguments">Strings, numbers, booleans or nulls.</param>
        /// <exception cref="ArgumentException">The method is not an identifier, or an argument is of another type.</exception>
        public MatomoCommand(string method, params object[] arguments)
        {
            if (method == null || method.Length > 100 || !Identifier.IsMatch(method))
                throw new ArgumentException($"The method name {JavaScriptEncoder.EncodeString(method)} is not a plain JavaScript identifier such as trackEvent.", nameof(method));
            _arguments = (object[])(arguments ?? new object[] { null }).Clone();
            var probe = new CharBuffer();
            for (int i = 0; i < _arguments.Length; i++)
            {
                string error = JavaScriptEncoder.TryAppendValue(probe, _arguments[i]);
                if (error != null) throw new ArgumentException($"Argument {i + 1} of '{method}': {error}.", nameof(arguments));
            }
            Method = method;
        }

        /// <summary>The tracker method.</summary>
        public string Method { get; }

        /// <summary>The arguments.</summary>
        public IReadOnlyList<object> Arguments => _arguments;
    }

    /// <summary>Why tracking is commented out for a request.</summary>
    public enum MatomoSuppression
    {
        /// <summary>Tracking runs.</summary>
        None,
        /// <summary>The client address is in the internal IPs.</summary>
        InternalAddress,
        /// <summary>The browser sent <c>DNT: 1</c> or <c>Sec-GPC: 1</c> and <c>matomo:RespectDoNotTrack</c> is true.</summary>
        DoNotTrack,
    }

    /// <summary>What one page tells Matomo beyond the site's settings. One instance per request.</summary>
    public sealed class MatomoPageData
    {
        private List<CustomVariable> _variables;
        private List<CustomDimension> _dimensions;
        private List<MatomoCommand> _commands;

        /// <summary>The user id (<c>setUserId</c>), or <c>null</c> for none.</summary>
        public string UserId { get; set; }

        /// <summary>The CSP nonce for the script element, or <c>null</c>.</summary>
        public string Nonce { get; set; }

        /// <summary>Whether and why the snippet is commented out.</summary>
        public MatomoSuppression Suppression { get; set; }

        /// <summary>Custom variables, in order.</summary>
        public IList<CustomVariable> CustomVariables => _variables ?? (_variables = new List<CustomVariable>());

        /// <summary>Custom dimensions, in order.</summary>
        public IList<CustomDimension> CustomDimensions => _dimensions ?? (_dimensions = new List<CustomDimension>());

        /// <summary>Commands pushed before <c>trackPageView</c>, in order.</summary>
        public IList<MatomoCommand> Commands => _commands ?? (_commands = new List<MatomoCommand>());

        internal List<CustomVariable> VariablesOrNull => _variables;
        internal List<CustomDimension> DimensionsOrNull => _dimensions;
        internal List<MatomoCommand> CommandsOrNull => _commands;
    }
}

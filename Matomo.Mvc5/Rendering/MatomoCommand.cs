using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Text.RegularExpressions;
using Matomo.Mvc5.Rendering;

namespace Matomo.Mvc5
{
    /// <summary>
    /// A tracker command pushed before <c>trackPageView</c>: a method name and its arguments, such as
    /// <c>new MatomoCommand("setDocumentTitle", "404/URL = /missing")</c> or
    /// <c>new MatomoCommand("trackEvent", "Video", "Play", "Intro", 1)</c>. Immutable: the arguments are checked and
    /// encoded once, when the command is made.
    /// </summary>
    public sealed class MatomoCommand
    {
        private static readonly Regex Identifier = new Regex("^[A-Za-z_$][A-Za-z0-9_$]*\\z", RegexOptions.CultureInvariant);

        /// <summary>Creates a command.</summary>
        /// <param name="method">A tracker method: a plain JavaScript identifier.</param>
        /// <param name="arguments">Strings, numbers, booleans or nulls.</param>
        /// <exception cref="ArgumentException">The method is not an identifier, or an argument is of another type.</exception>
        public MatomoCommand(string method, params object[] arguments)
        {
            if (method == null || method.Length > 100 || !Identifier.IsMatch(method))
                throw new ArgumentException($"The method name {JavaScriptEncoder.EncodeString(method)} is not a plain JavaScript identifier such as trackEvent.", nameof(method));
            object[] copy = (object[])(arguments ?? new object[] { null }).Clone();
            var script = new CharBuffer(32 + method.Length + 16 * copy.Length);
            CommandWriter.Begin(script, method);
            for (int i = 0; i < copy.Length; i++)
            {
                if (!CommandWriter.TryValue(script, copy[i], out string error))
                    throw new ArgumentException($"Argument {i + 1} of '{method}': {error}.", nameof(arguments));
            }
            CommandWriter.End(script);
            Method = method;
            Arguments = new ReadOnlyCollection<object>(copy);
            Script = script.ToString();
        }

        /// <summary>The tracker method.</summary>
        public string Method { get; }

        /// <summary>The arguments (read-only).</summary>
        public IReadOnlyList<object> Arguments { get; }

        /// <summary>The command as the statement the page runs: <c>_paq.push(["method", args...]);</c> and a line break.</summary>
        internal string Script { get; }
    }
}

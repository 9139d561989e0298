using System.Collections.Generic;

namespace Matomo.Mvc5.Rendering
{
    /// <summary>
    /// The one writer of tracker commands: every <c>_paq.push([...]);</c> (and Tag Manager's <c>_mtm.push({...});</c>)
    /// on a page is written here, by the snippet's template, the page's typed commands, <see cref="MatomoCommand"/>,
    /// ViewData's entries and the opt-out control. A command is begun by its method name, takes typed arguments (each
    /// written as <c>, </c> and the value, every value through <see cref="JavaScriptEncoder"/>) and is closed with
    /// <see cref="End(CharBuffer)"/>.
    /// </summary>
    /// <remarks>
    /// Static methods on the output buffer rather than an object: this runs about thirty times per page, and on Mono's
    /// JIT each extra call or object shows in the render time (see BENCHMARKS.md).
    /// </remarks>
    internal static class CommandWriter
    {
        /// <summary>The tracker's command queue.</summary>
        public const string Queue = "_paq";

        /// <summary>The Tag Manager's event queue.</summary>
        public const string TagManagerQueue = "_mtm";

        /// <summary>What closes a command: <c>]);</c> and a line break.</summary>
        public const string Closing = "]);\n";

        private const string Push = ".push([";

        /// <summary>Begins <c>_paq.push(["method"</c> for a method written often (its opening encoded once).</summary>
        public static void Begin(CharBuffer output, CommandName method) => output.Append(method.Opening);

        /// <summary>Begins <c>_paq.push(["method"</c>, the method name encoded as a string.</summary>
        public static void Begin(CharBuffer output, string method)
        {
            output.Append(Queue).Append(Push);
            JavaScriptEncoder.AppendString(output, method);
        }

        /// <summary>What <see cref="Begin(CharBuffer, string)"/> writes, as a string to keep: <c>_paq.push(["method"</c>.</summary>
        public static string Opening(string method)
        {
            var text = new CharBuffer(32 + method.Length);
            Begin(text, method);
            return text.ToString();
        }

        /// <summary>
        /// Begins <c>queue.push([expression</c>: a command whose first element is code (a function for the tracker to
        /// call, or an expression that chooses the method), on a queue looked up at run time such as <c>window._paq</c>.
        /// </summary>
        /// <param name="output">The buffer.</param>
        /// <param name="queue">The queue's expression: a constant of the caller's.</param>
        /// <param name="expression">Code made by the caller from constants and encoded values only.</param>
        public static void BeginWith(CharBuffer output, string queue, string expression) =>
            output.Append(queue).Append(Push).Append(expression);

        /// <summary>Closes the command: <c>]);</c> and a line break.</summary>
        public static void End(CharBuffer output) => output.Append(Closing);

        /// <summary>Closes the command with its last arguments, made once by <see cref="Tail"/>.</summary>
        public static void End(CharBuffer output, string tail) => output.Append(tail);

        /// <summary>A whole command without arguments: <c>_paq.push(["method"]);</c>.</summary>
        public static void Command(CharBuffer output, CommandName method) => output.Append(method.Statement);

        /// <summary>
        /// A command's last arguments and its closing (<c>, "visit"]);</c>), encoded once for <see cref="End(CharBuffer, string)"/>.
        /// </summary>
        public static string Tail(params object[] values)
        {
            var text = new CharBuffer(32);
            foreach (object value in values) Value(text, value);
            End(text);
            return text.ToString();
        }

        /// <summary>A whole command with constant arguments, encoded once: <c>_paq.push(["method", args...]);</c>.</summary>
        public static string Statement(CommandName method, params object[] values) => method.Opening + Tail(values);

        // ---- arguments: each is ", " and the value ----

        /// <summary>A string argument, or <c>null</c>.</summary>
        public static void String(CharBuffer output, string value) => JavaScriptEncoder.AppendArgument(output, value);

        /// <summary>A string argument, or <c>false</c>: Matomo's own word for a value left out before a given one.</summary>
        public static void StringOrFalse(CharBuffer output, string value)
        {
            if (value == null) output.Append(", false");
            else JavaScriptEncoder.AppendArgument(output, value);
        }

        /// <summary>An integer argument.</summary>
        public static void Integer(CharBuffer output, int value)
        {
            if ((uint)value < 10)
            {
                // Indexes and ids are mostly one digit: one reservation instead of two appends.
                char[] buffer = output.Reserve(3);
                int pos = output.Length;
                buffer[pos] = ',';
                buffer[pos + 1] = ' ';
                buffer[pos + 2] = (char)('0' + value);
                output.Advance(3);
                return;
            }
            output.Append(", ");
            JavaScriptEncoder.AppendInteger(output, value);
        }

        /// <summary>A decimal argument (invariant digits, no trailing zeros).</summary>
        public static void Decimal(CharBuffer output, decimal value)
        {
            output.Append(", ");
            JavaScriptEncoder.AppendDecimal(output, value);
        }

        /// <summary>A decimal argument, or <c>false</c> for one left out before a given one.</summary>
        public static void DecimalOrFalse(CharBuffer output, decimal? value)
        {
            if (value.HasValue) Decimal(output, value.Value);
            else output.Append(", false");
        }

        /// <summary>A finite double argument that reads back as the same double.</summary>
        public static void Double(CharBuffer output, double value)
        {
            output.Append(", ");
            JavaScriptEncoder.AppendDouble(output, value);
        }

        /// <summary>A boolean argument.</summary>
        public static void Boolean(CharBuffer output, bool value) => output.Append(value ? ", true" : ", false");

        /// <summary>An argument left <c>undefined</c> (so that the tracker takes it as not given, unlike <c>null</c>).</summary>
        public static void Undefined(CharBuffer output) => output.Append(", undefined");

        /// <summary>An array of strings: <c>, ["a", "b"]</c>.</summary>
        public static void StringArray(CharBuffer output, IReadOnlyList<string> values)
        {
            output.Append(", ");
            JavaScriptEncoder.AppendStringArray(output, values);
        }

        /// <summary>An argument that is code made by the caller from constants and encoded values only, such as <c>u+"matomo.php"</c>.</summary>
        public static void Expression(CharBuffer output, string code) => output.Append(", ").Append(code);

        /// <summary>
        /// An argument of any type <see cref="JavaScriptEncoder.TryAppendValue"/> takes (string, number, boolean, null);
        /// anything else is refused with the reason, and nothing is written.
        /// </summary>
        public static bool TryValue(CharBuffer output, object value, out string error)
        {
            int length = output.Length;
            output.Append(", ");
            if (JavaScriptEncoder.TryAppendValue(output, value, out error)) return true;
            output.Truncate(length);
            return false;
        }

        /// <summary>An argument known to be encodable (checked where it entered).</summary>
        /// <exception cref="System.ArgumentException">It is not: a defect, never dropped silently.</exception>
        public static void Value(CharBuffer output, object value)
        {
            output.Append(", ");
            JavaScriptEncoder.AppendValue(output, value);
        }

        // ---- the object form of Tag Manager's queue: _mtm.push({"name": value, ...}); ----

        /// <summary>Begins <c>queue.push({</c>.</summary>
        public static void BeginObject(CharBuffer output, string queue) => output.Append(queue).Append(".push({");

        /// <summary>A property whose value is code made from constants: <c>"name": expression</c>, after a comma unless first.</summary>
        public static void PropertyExpression(CharBuffer output, bool first, string name, string expression)
        {
            Property(output, first, name);
            output.Append(expression);
        }

        /// <summary>A string property: <c>"name": "value"</c>, after a comma unless first.</summary>
        public static void PropertyString(CharBuffer output, bool first, string name, string value)
        {
            Property(output, first, name);
            JavaScriptEncoder.AppendString(output, value);
        }

        /// <summary>Closes the object form: <c>});</c> and a line break.</summary>
        public static void EndObject(CharBuffer output) => output.Append("});\n");

        private static void Property(CharBuffer output, bool first, string name)
        {
            if (!first) output.Append(", ");
            JavaScriptEncoder.AppendString(output, name);
            output.Append(": ");
        }
    }
}

using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Linq.Expressions;
using Matomo.Mvc5.Rendering;

namespace Matomo.Mvc5
{
    /// <summary>
    /// The ViewData (and so ViewBag) entries <c>Html.Matomo()</c> reads, and how their values become the page's commands.
    /// Every form of an entry goes through one validation, whatever shape carries it (tuple, value tuple, array,
    /// list, key-value pair, dictionary entry).
    /// </summary>
    public static class MatomoViewData
    {
        /// <summary>The entries, in the order of <see cref="Entry"/>; looked up by length first, then case-insensitively.</summary>
        private static readonly string[] EntryNames = { Variables, Identity, AnalyticalIdentity, Dimensions, Commands };
        private static readonly int ShortestName = EntryNames.Min(n => n.Length), LongestName = EntryNames.Max(n => n.Length);
        private enum Entry { Variables, Identity, AnalyticalIdentity, Dimensions, Commands }

        /// <summary>Custom variables: a sequence of <c>(index, name, value[, scope])</c>.</summary>
        public const string Variables = "matomo_vars";
        /// <summary>The Matomo user id; present with a null value: no user id.</summary>
        public const string Identity = "matomo_identity";
        /// <summary>The user id for every analytics integration; <see cref="Identity"/> wins.</summary>
        public const string AnalyticalIdentity = "analytical_identity";
        /// <summary>Custom dimensions: <c>IDictionary&lt;int,string&gt;</c> or a sequence of <c>(id, value)</c>.</summary>
        public const string Dimensions = "matomo_dimensions";
        /// <summary>Commands pushed before <c>trackPageView</c>: <see cref="MatomoCommand"/>s or <c>object[]</c> of method and arguments.</summary>
        public const string Commands = "matomo_commands";

        // The forms each entry takes, for the messages that say what was expected.
        private const string VariableForm = "(index, name, value[, scope]) with an integer index of 1 or more, string name and value, and scope \"page\" or \"visit\"";
        private const string DimensionForm = "an IDictionary<int,string> or a sequence of (id, value) pairs with an integer id of 1 or more and a string value";
        private const string CommandForm = "a sequence of MatomoCommand or object[] { method, arguments... } with a method name such as \"trackEvent\" and string, number, boolean or null arguments";

        private static readonly ConcurrentDictionary<Type, Func<object, object[]>> PartReaders = new ConcurrentDictionary<Type, Func<object, object[]>>();

        /// <summary>
        /// Reads every entry of <paramref name="viewData"/> in one pass, checked and encoded, into this thread's
        /// <see cref="ViewDataScript"/> (valid until the next read on this thread), or returns <c>null</c> when there is
        /// no Matomo entry (most ViewData holds only the site's own, such as the title). An identity entry, when present,
        /// sets the script's user id (even to null), which then decides the user id.
        /// </summary>
        /// <exception cref="MatomoViewDataException">An entry is malformed.</exception>
        internal static ViewDataScript ReadInto(IDictionary<string, object> viewData)
        {
            object variables = null, dimensions = null, commands = null, identity = null, analyticalIdentity = null;
            bool hasIdentity = false, hasAnalyticalIdentity = false, found = false;
            if (viewData.Count == 0) return null;
            foreach (KeyValuePair<string, object> pair in viewData)
            {
                string key = pair.Key;
                if (key == null || key.Length < ShortestName || key.Length > LongestName) continue;
                for (int i = 0; i < EntryNames.Length; i++)
                {
                    string name = EntryNames[i];
                    if (key.Length != name.Length || !string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) continue;
                    found = true;
                    switch ((Entry)i)
                    {
                        case Entry.Variables: variables = pair.Value; break;
                        case Entry.Dimensions: dimensions = pair.Value; break;
                        case Entry.Commands: commands = pair.Value; break;
                        case Entry.Identity: identity = pair.Value; hasIdentity = true; break;
                        case Entry.AnalyticalIdentity: analyticalIdentity = pair.Value; hasAnalyticalIdentity = true; break;
                    }
                    break;
                }
            }
            if (!found) return null;
            ViewDataScript script = ViewDataScript.Start();
            if (variables != null) ReadVariables(variables, script);
            script.EndVariables();
            if (dimensions != null) ReadDimensions(dimensions, script);
            script.EndDimensions();
            if (commands != null) ReadCommands(commands, script);
            if (hasIdentity || hasAnalyticalIdentity) script.SetUserId(ReadIdentity(hasIdentity ? identity : analyticalIdentity));
            return script;
        }

        /// <summary>Reads <c>matomo_vars</c> into <paramref name="target"/>.</summary>
        /// <exception cref="MatomoViewDataException">The value or one of its items is malformed.</exception>
        internal static void ReadVariables(object value, ViewDataScript target)
        {
            if (value is object[] array)
            {
                // The common form, by index: Mono's enumerator of an array seen as IEnumerable costs ~40 ns an item.
                for (int i = 0; i < array.Length; i++) ReadVariable(array[i], i + 1, target);
                return;
            }
            int position = 0;
            foreach (object item in Sequence(Variables, value, VariableForm)) ReadVariable(item, ++position, target);
        }

        private static void ReadVariable(object item, int position, ViewDataScript target)
        {
            // The common shapes are read without an array or boxing; every shape then meets the same checks, in Variable.
            switch (item)
            {
                case CustomVariable v: target.Variable(v.Index, v.Name, v.Value, v.Scope); return;
                case Tuple<int, string, string> t: Variable(item, position, t.Item1, t.Item2, t.Item3, false, null, target); return;
                case Tuple<int, string, string, string> t: Variable(item, position, t.Item1, t.Item2, t.Item3, true, t.Item4, target); return;
            }
            object[] parts = Parts(item);
            if (parts == null || parts.Length < 3 || parts.Length > 4)
                throw VariableError(item, position, parts == null ? "not a tuple or array" : $"has {parts.Length} parts");
            if (!TryInteger(parts[0], out int index))
                throw VariableError(item, position, $"the index {Describe(parts[0])} is not an integer of 1 or more");
            Variable(item, position, index, parts[1], parts[2], parts.Length == 4, parts.Length == 4 ? parts[3] : null, target);
        }

        /// <summary>The checks every form of a custom variable meets (those of <see cref="CustomVariable"/>'s constructor).</summary>
        private static void Variable(object item, int position, int index, object name, object value, bool hasScope, object scope, ViewDataScript target)
        {
            if (index < 1) throw VariableError(item, position, $"the index {index} is not an integer of 1 or more");
            if (!(name is string nameText)) throw VariableError(item, position, $"the name {Describe(name)} is not a string");
            if (!(value is string valueText)) throw VariableError(item, position, $"the value {Describe(value)} is not a string");
            var scopeValue = CustomVariableScope.Page;
            if (hasScope)
            {
                if ("page".Equals(scope as string, StringComparison.OrdinalIgnoreCase)) scopeValue = CustomVariableScope.Page;
                else if ("visit".Equals(scope as string, StringComparison.OrdinalIgnoreCase)) scopeValue = CustomVariableScope.Visit;
                else if (scope is CustomVariableScope s && (s == CustomVariableScope.Page || s == CustomVariableScope.Visit)) scopeValue = s;
                else throw VariableError(item, position, $"the scope {Describe(scope)} is not \"page\" or \"visit\"");
            }
            target.Variable(index, nameText, valueText, scopeValue);
        }

        private static MatomoViewDataException VariableError(object item, int position, string what) =>
            new MatomoViewDataException(Variables, $"item {position} ({Describe(item)}): {what}; expected {VariableForm}");

        /// <summary>Reads <c>matomo_dimensions</c> into <paramref name="target"/>.</summary>
        /// <exception cref="MatomoViewDataException">The value or one of its items is malformed.</exception>
        internal static void ReadDimensions(object value, ViewDataScript target)
        {
            int position = 0;
            if (value is Dictionary<int, string> typed)
            {
                // The common form, read without boxing; the same checks as any other.
                foreach (KeyValuePair<int, string> pair in typed) Dimension(pair.Key, pair.Value, ++position, target);
                return;
            }
            if (value is IDictionary dictionary)
            {
                IDictionaryEnumerator e = dictionary.GetEnumerator();
                while (e.MoveNext()) ReadDimensionPair(e.Key, e.Value, ++position, target);
                return;
            }
            if (value is object[] array)
            {
                for (int i = 0; i < array.Length; i++) ReadDimension(array[i], i + 1, target);
                return;
            }
            foreach (object item in Sequence(Dimensions, value, DimensionForm)) ReadDimension(item, ++position, target);
        }

        private static void ReadDimension(object item, int position, ViewDataScript target)
        {
            if (item is CustomDimension cd)
            {
                target.Dimension(cd.Id, cd.Value);
                return;
            }
            object[] parts = Parts(item);
            if (parts == null || parts.Length != 2)
                throw new MatomoViewDataException(Dimensions, $"item {position} ({Describe(item)}): {(parts == null ? "not a pair" : $"has {parts.Length} parts")}; expected {DimensionForm}");
            ReadDimensionPair(parts[0], parts[1], position, target);
        }

        private static void ReadDimensionPair(object id, object value, int position, ViewDataScript target)
        {
            if (!TryInteger(id, out int number)) throw DimensionError(id, value, position, $"the id {Describe(id)} is not an integer of 1 or more");
            Dimension(number, value, position, target);
        }

        /// <summary>The checks every form of a custom dimension meets (those of <see cref="CustomDimension"/>'s constructor).</summary>
        private static void Dimension(int id, object value, int position, ViewDataScript target)
        {
            if (id < 1) throw DimensionError(id, value, position, $"the id {Describe(id)} is not an integer of 1 or more");
            if (value != null && !(value is string)) throw DimensionError(id, value, position, $"the value {Describe(value)} is not a string");
            target.Dimension(id, (string)value);
        }

        private static MatomoViewDataException DimensionError(object id, object value, int position, string what) =>
            new MatomoViewDataException(Dimensions, $"item {position} ({Describe(id)}, {Describe(value)}): {what}; expected {DimensionForm}");

        /// <summary>Reads <c>matomo_commands</c> into <paramref name="target"/>.</summary>
        /// <exception cref="MatomoViewDataException">The value or one of its items is malformed.</exception>
        internal static void ReadCommands(object value, ViewDataScript target)
        {
            if (value is object[] array)
            {
                for (int i = 0; i < array.Length; i++) target.Command(ToCommand(array[i], i + 1));
                return;
            }
            int position = 0;
            foreach (object item in Sequence(Commands, value, CommandForm)) target.Command(ToCommand(item, ++position));
        }

        private static MatomoCommand ToCommand(object item, int position)
        {
            if (item is MatomoCommand command) return command;
            object[] parts = Parts(item);
            if (parts == null || parts.Length == 0)
                throw new MatomoViewDataException(Commands, $"item {position} ({Describe(item)}): not a MatomoCommand or array; expected {CommandForm}");
            if (!(parts[0] is string method))
                throw new MatomoViewDataException(Commands, $"item {position} ({Describe(item)}): the first part must be the method name; expected {CommandForm}");
            var arguments = new object[parts.Length - 1];
            Array.Copy(parts, 1, arguments, 0, arguments.Length);
            try
            {
                return new MatomoCommand(method, arguments);
            }
            catch (ArgumentException e)
            {
                throw new MatomoViewDataException(Commands, $"item {position}: {FirstLine(e.Message)}");
            }
        }

        /// <summary>
        /// The identity entry's value as a user id: <c>null</c> or an empty string gives none; other values are
        /// converted with the invariant culture.
        /// </summary>
        internal static string ReadIdentity(object value)
        {
            string id = value as string ?? Convert.ToString(value, CultureInfo.InvariantCulture);
            return string.IsNullOrEmpty(id) ? null : id;
        }

        private static string FirstLine(string message)
        {
            int end = message.IndexOfAny(new[] { '\r', '\n' });
            return end < 0 ? message : message.Substring(0, end);
        }

        private static IEnumerable Sequence(string entry, object value, string form)
        {
            if (value == null) return Enumerable.Empty<object>();
            if (value is string || !(value is IEnumerable sequence))
                throw new MatomoViewDataException(entry, $"{Describe(value)} is not a sequence; expected a sequence of {form}");
            return sequence;
        }

        /// <summary>
        /// The parts of a Tuple, ValueTuple (read by name, so net462 users need no System.ValueTuple), KeyValuePair,
        /// array or list; <c>null</c> for anything else.
        /// </summary>
        internal static object[] Parts(object item)
        {
            switch (item)
            {
                case null: return null;
                case string _: return null;
                case object[] array: return array;
                case IList list: return list.Cast<object>().ToArray();
            }
            Func<object, object[]> reader = PartReaders.GetOrAdd(item.GetType(), CreatePartReader);
            return reader?.Invoke(item);
        }

        /// <summary>A compiled reader of a tuple's or pair's members into an array, or <c>null</c> for other types.</summary>
        private static Func<object, object[]> CreatePartReader(Type type)
        {
            string name = type.IsGenericType ? type.GetGenericTypeDefinition().FullName : null;
            string[] members;
            if (name == typeof(KeyValuePair<,>).FullName) members = new[] { "Key", "Value" };
            else if (name != null && (name.StartsWith("System.Tuple`", StringComparison.Ordinal) || name.StartsWith("System.ValueTuple`", StringComparison.Ordinal))
                     && type.GetGenericArguments().Length <= 7)
                members = Enumerable.Range(1, type.GetGenericArguments().Length).Select(i => "Item" + i).ToArray();
            else return null;

            ParameterExpression item = Expression.Parameter(typeof(object), "item");
            UnaryExpression typed = Expression.Convert(item, type);
            var values = members.Select(m => (Expression)Expression.Convert(Expression.PropertyOrField(typed, m), typeof(object)));
            return Expression.Lambda<Func<object, object[]>>(Expression.NewArrayInit(typeof(object), values), item).Compile();
        }

        private static bool TryInteger(object value, out int result)
        {
            switch (value)
            {
                case int i: result = i; return true;
                case long l when l >= int.MinValue && l <= int.MaxValue: result = (int)l; return true;
                case short s: result = s; return true;
                case byte b: result = b; return true;
                case sbyte sb: result = sb; return true;
                case ushort us: result = us; return true;
                case uint ui when ui <= int.MaxValue: result = (int)ui; return true;
                default: result = 0; return false;
            }
        }

        private static string Describe(object value)
        {
            if (value == null) return "null";
            if (value is string s) return "\"" + (s.Length > 40 ? s.Substring(0, 40) + "..." : s) + "\"";
            return Convert.ToString(value, CultureInfo.InvariantCulture) + " : " + value.GetType().Name;
        }
    }
}

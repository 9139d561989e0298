using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;

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
        protected MatomoViewDataException(System.Runtime.Serialization.SerializationInfo info, System.Runtime.Serialization.StreamingContext context)
            : base(info, context) { }

        /// <summary>The ViewData key, such as <c>matomo_vars</c>.</summary>
        public string Entry { get; }
    }

    /// <summary>
    /// The ViewData (and so ViewBag) entries <c>Html.Matomo()</c> reads, and how their values are turned into page
    /// data. Pure: takes plain objects, knows nothing of System.Web.
    /// </summary>
    public static class MatomoViewData
    {
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

        private const string VariableForm = "(index, name, value[, scope]) with an integer index of 1 or more, string name and value, and scope \"page\" or \"visit\"";
        private static readonly ConcurrentDictionary<Type, Func<object, object[]>> TupleReaders = new ConcurrentDictionary<Type, Func<object, object[]>>();

        /// <summary>Reads <c>matomo_vars</c> into <paramref name="target"/>.</summary>
        /// <exception cref="MatomoViewDataException">The value or one of its items is malformed.</exception>
        public static void ReadVariables(object value, ICollection<CustomVariable> target)
        {
            int position = 0;
            foreach (object item in Sequence(Variables, value, VariableForm))
            {
                position++;
                if (item is CustomVariable cv) { target.Add(cv); continue; }
                if (TryFastVariable(item, out cv)) { target.Add(cv); continue; }
                object[] parts = Parts(item);
                string Fail(string what) => $"item {position} ({Describe(item)}): {what}; expected {VariableForm}";
                if (parts == null || parts.Length < 3 || parts.Length > 4)
                    throw new MatomoViewDataException(Variables, Fail(parts == null ? "not a tuple or array" : $"has {parts.Length} parts"));
                if (!TryInteger(parts[0], out int index) || index < 1)
                    throw new MatomoViewDataException(Variables, Fail($"the index {Describe(parts[0])} is not an integer of 1 or more"));
                if (!(parts[1] is string name))
                    throw new MatomoViewDataException(Variables, Fail($"the name {Describe(parts[1])} is not a string"));
                if (!(parts[2] is string text))
                    throw new MatomoViewDataException(Variables, Fail($"the value {Describe(parts[2])} is not a string"));
                var scope = CustomVariableScope.Page;
                if (parts.Length == 4)
                {
                    if ("page".Equals(parts[3] as string, StringComparison.OrdinalIgnoreCase)) scope = CustomVariableScope.Page;
                    else if ("visit".Equals(parts[3] as string, StringComparison.OrdinalIgnoreCase)) scope = CustomVariableScope.Visit;
                    else if (parts[3] is CustomVariableScope s && (s == CustomVariableScope.Page || s == CustomVariableScope.Visit)) scope = s;
                    else throw new MatomoViewDataException(Variables, Fail($"the scope {Describe(parts[3])} is not \"page\" or \"visit\""));
                }
                target.Add(new CustomVariable(index, name, text, scope));
            }
        }

        private static bool AllIdsValid(Dictionary<int, string> dimensions)
        {
            foreach (KeyValuePair<int, string> entry in dimensions)
                if (entry.Key < 1) return false;
            return true;
        }

        /// <summary>The common, valid tuple forms without reflection; anything else (errors included) takes the general path.</summary>
        private static bool TryFastVariable(object item, out CustomVariable variable)
        {
            variable = null;
            switch (item)
            {
                case Tuple<int, string, string> t when t.Item1 >= 1 && t.Item2 != null && t.Item3 != null:
                    variable = new CustomVariable(t.Item1, t.Item2, t.Item3);
                    return true;
                case Tuple<int, string, string, string> t when t.Item1 >= 1 && t.Item2 != null && t.Item3 != null && (t.Item4 == "page" || t.Item4 == "visit"):
                    variable = new CustomVariable(t.Item1, t.Item2, t.Item3, t.Item4 == "visit" ? CustomVariableScope.Visit : CustomVariableScope.Page);
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>Reads <c>matomo_dimensions</c> into <paramref name="target"/>.</summary>
        /// <exception cref="MatomoViewDataException">The value or one of its items is malformed.</exception>
        public static void ReadDimensions(object value, ICollection<CustomDimension> target)
        {
            const string form = "an IDictionary<int,string> or a sequence of (id, value) pairs with an integer id of 1 or more and a string value";
            if (value is Dictionary<int, string> typed && AllIdsValid(typed))
            {
                // The common form, without boxing every entry.
                foreach (KeyValuePair<int, string> entry in typed) target.Add(new CustomDimension(entry.Key, entry.Value));
                return;
            }
            int position = 0;
            IEnumerable items = value is IDictionary dictionary
                ? Entries(dictionary)
                : Sequence(Dimensions, value, form);
            foreach (object item in items)
            {
                position++;
                if (item is CustomDimension cd) { target.Add(cd); continue; }
                object[] parts = item != null && item.GetType().IsGenericType && item.GetType().GetGenericTypeDefinition() == typeof(KeyValuePair<,>)
                    ? new[] { item.GetType().GetProperty("Key").GetValue(item), item.GetType().GetProperty("Value").GetValue(item) }
                    : Parts(item);
                string Fail(string what) => $"item {position} ({Describe(item)}): {what}; expected {form}";
                if (parts == null || parts.Length != 2)
                    throw new MatomoViewDataException(Dimensions, Fail(parts == null ? "not a pair" : $"has {parts.Length} parts"));
                if (!TryInteger(parts[0], out int id) || id < 1)
                    throw new MatomoViewDataException(Dimensions, Fail($"the id {Describe(parts[0])} is not an integer of 1 or more"));
                if (parts[1] != null && !(parts[1] is string))
                    throw new MatomoViewDataException(Dimensions, Fail($"the value {Describe(parts[1])} is not a string"));
                target.Add(new CustomDimension(id, (string)parts[1]));
            }
        }

        /// <summary>Reads <c>matomo_commands</c> into <paramref name="target"/>.</summary>
        /// <exception cref="MatomoViewDataException">The value or one of its items is malformed.</exception>
        public static void ReadCommands(object value, ICollection<MatomoCommand> target)
        {
            const string form = "a sequence of MatomoCommand or object[] { method, arguments... } with a method name such as \"trackEvent\" and string, number, boolean or null arguments";
            int position = 0;
            foreach (object item in Sequence(Commands, value, form))
            {
                position++;
                if (item is MatomoCommand command) { target.Add(command); continue; }
                object[] parts = Parts(item);
                if (parts == null || parts.Length == 0 || !(parts[0] is string method))
                    throw new MatomoViewDataException(Commands, $"item {position} ({Describe(item)}): the first part must be the method name; expected {form}");
                try
                {
                    target.Add(new MatomoCommand(method, parts.Skip(1).ToArray()));
                }
                catch (ArgumentException e)
                {
                    throw new MatomoViewDataException(Commands, $"item {position}: {e.Message.Split('\n')[0].Replace(Environment.NewLine, " ")}");
                }
            }
        }

        /// <summary>
        /// The identity entry's value as a user id: <c>null</c> or an empty string gives none; other values are
        /// converted with the invariant culture.
        /// </summary>
        public static string ReadIdentity(object value)
        {
            string id = value as string ?? Convert.ToString(value, CultureInfo.InvariantCulture);
            return string.IsNullOrEmpty(id) ? null : id;
        }

        private static IEnumerable<object> Entries(IDictionary dictionary)
        {
            IDictionaryEnumerator e = dictionary.GetEnumerator();
            while (e.MoveNext()) yield return new[] { e.Key, e.Value };
        }

        private static IEnumerable Sequence(string entry, object value, string form)
        {
            if (value == null) return Enumerable.Empty<object>();
            if (value is string || !(value is IEnumerable sequence))
                throw new MatomoViewDataException(entry, $"{Describe(value)} is not a sequence; expected a sequence of {form}");
            return sequence;
        }

        /// <summary>The items of a Tuple, ValueTuple (read by name, so net462 users need no System.ValueTuple) or list.</summary>
        private static object[] Parts(object item)
        {
            switch (item)
            {
                case null: return null;
                case string _: return null;
                case object[] array: return array;
                case IList list: return list.Cast<object>().ToArray();
            }
            Func<object, object[]> reader = TupleReaders.GetOrAdd(item.GetType(), CreateTupleReader);
            return reader?.Invoke(item);
        }

        private static Func<object, object[]> CreateTupleReader(Type type)
        {
            string name = type.IsGenericType ? type.GetGenericTypeDefinition().FullName : null;
            if (name == null || !(name.StartsWith("System.Tuple`", StringComparison.Ordinal) || name.StartsWith("System.ValueTuple`", StringComparison.Ordinal)))
                return null;
            int arity = type.GetGenericArguments().Length;
            if (arity > 7) return null;
            var members = new Func<object, object>[arity];
            for (int i = 0; i < arity; i++)
            {
                string member = "Item" + (i + 1);
                PropertyInfo property = type.GetProperty(member);
                FieldInfo field = type.GetField(member);
                if (property != null) members[i] = property.GetValue;
                else if (field != null) members[i] = field.GetValue;
                else return null;
            }
            return o =>
            {
                var parts = new object[members.Length];
                for (int i = 0; i < parts.Length; i++) parts[i] = members[i](o);
                return parts;
            };
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

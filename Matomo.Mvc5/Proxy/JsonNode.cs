using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Matomo.Mvc5.Proxy
{
    /// <summary>
    /// A JSON value for the tracker proxy's bulk bodies: parsed strictly (RFC 8259, nesting capped), written back with
    /// numbers, literals and member order as they came. Knows nothing of System.Web.
    /// </summary>
    internal sealed class JsonNode
    {
        /// <summary>The kinds of JSON value.</summary>
        public enum Kind { Object, Array, String, Literal }

        private const int MaxDepth = 64;

        private JsonNode(Kind type) { Type = type; }

        public Kind Type { get; }

        /// <summary>Object members in order (an object); later duplicates win on look-up, as PHP's json_decode does.</summary>
        public List<KeyValuePair<string, JsonNode>> Members { get; private set; }

        /// <summary>Array items (an array).</summary>
        public List<JsonNode> Items { get; private set; }

        /// <summary>The decoded string (a string) or the raw number / true / false / null text (a literal).</summary>
        public string Text { get; private set; }

        public static JsonNode String(string value) => new JsonNode(Kind.String) { Text = value };

        /// <summary>The value of member <paramref name="name"/> (the last one of that name), or null.</summary>
        public JsonNode Get(string name)
        {
            if (Members == null) return null;
            for (int i = Members.Count - 1; i >= 0; i--)
                if (Members[i].Key == name) return Members[i].Value;
            return null;
        }

        /// <summary>Removes every member named <paramref name="name"/>.</summary>
        public void Remove(string name) => Members?.RemoveAll(m => m.Key == name);

        /// <summary>Replaces every member named <paramref name="name"/> by one at the end.</summary>
        public void Set(string name, JsonNode value)
        {
            Remove(name);
            Members.Add(new KeyValuePair<string, JsonNode>(name, value));
        }

        /// <summary>A non-empty string member, as Matomo reads string parameters.</summary>
        public bool HasNonEmptyString(string name) => Get(name) is JsonNode n && n.Type == Kind.String && n.Text.Length > 0;

        /// <summary>Parses <paramref name="json"/>, or returns null when it is not one well-formed JSON value.</summary>
        public static JsonNode TryParse(string json)
        {
            int i = 0;
            try
            {
                JsonNode node = ParseValue(json, ref i, 0);
                SkipSpace(json, ref i);
                return node != null && i == json.Length ? node : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }

        private static void SkipSpace(string s, ref int i)
        {
            while (i < s.Length && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
        }

        private static Exception Bad() => new FormatException();

        private static JsonNode ParseValue(string s, ref int i, int depth)
        {
            if (depth > MaxDepth) throw Bad();
            SkipSpace(s, ref i);
            if (i >= s.Length) throw Bad();
            char c = s[i];
            if (c == '{')
            {
                var node = new JsonNode(Kind.Object) { Members = new List<KeyValuePair<string, JsonNode>>() };
                i++;
                SkipSpace(s, ref i);
                if (i < s.Length && s[i] == '}') { i++; return node; }
                while (true)
                {
                    SkipSpace(s, ref i);
                    if (i >= s.Length || s[i] != '"') throw Bad();
                    string name = ParseString(s, ref i);
                    SkipSpace(s, ref i);
                    if (i >= s.Length || s[i] != ':') throw Bad();
                    i++;
                    node.Members.Add(new KeyValuePair<string, JsonNode>(name, ParseValue(s, ref i, depth + 1)));
                    SkipSpace(s, ref i);
                    if (i < s.Length && s[i] == ',') { i++; continue; }
                    if (i < s.Length && s[i] == '}') { i++; return node; }
                    throw Bad();
                }
            }
            if (c == '[')
            {
                var node = new JsonNode(Kind.Array) { Items = new List<JsonNode>() };
                i++;
                SkipSpace(s, ref i);
                if (i < s.Length && s[i] == ']') { i++; return node; }
                while (true)
                {
                    node.Items.Add(ParseValue(s, ref i, depth + 1));
                    SkipSpace(s, ref i);
                    if (i < s.Length && s[i] == ',') { i++; continue; }
                    if (i < s.Length && s[i] == ']') { i++; return node; }
                    throw Bad();
                }
            }
            if (c == '"') return String(ParseString(s, ref i));
            int start = i;
            if (Word(s, ref i, "true") || Word(s, ref i, "false") || Word(s, ref i, "null") || Number(s, ref i))
                return new JsonNode(Kind.Literal) { Text = s.Substring(start, i - start) };
            throw Bad();
        }

        private static bool Word(string s, ref int i, string word)
        {
            if (string.CompareOrdinal(s, i, word, 0, word.Length) != 0) return false;
            i += word.Length;
            return true;
        }

        private static bool Number(string s, ref int i)
        {
            int start = i;
            if (i < s.Length && s[i] == '-') i++;
            if (i < s.Length && s[i] == '0') i++;
            else if (!Digits(s, ref i)) { i = start; return false; }
            if (i < s.Length && s[i] == '.')
            {
                i++;
                if (!Digits(s, ref i)) throw Bad();
            }
            if (i < s.Length && (s[i] == 'e' || s[i] == 'E'))
            {
                i++;
                if (i < s.Length && (s[i] == '+' || s[i] == '-')) i++;
                if (!Digits(s, ref i)) throw Bad();
            }
            return true;
        }

        private static bool Digits(string s, ref int i)
        {
            int start = i;
            while (i < s.Length && s[i] >= '0' && s[i] <= '9') i++;
            return i > start;
        }

        private static string ParseString(string s, ref int i)
        {
            i++; // opening quote
            var sb = new StringBuilder();
            while (true)
            {
                if (i >= s.Length) throw Bad();
                char c = s[i++];
                if (c == '"') return sb.ToString();
                if (c < 0x20) throw Bad();
                if (c != '\\') { sb.Append(c); continue; }
                if (i >= s.Length) throw Bad();
                char e = s[i++];
                // The escapes JSON allows: \" \\ \/ \b \f \n \r \t and \uXXXX.
                int simple = "\"\\/bfnrt".IndexOf(e);
                if (simple >= 0)
                {
                    sb.Append("\"\\/\b\f\n\r\t"[simple]);
                    continue;
                }
                int code = Hex4(s, ref i, e);
                if (char.IsLowSurrogate((char)code)) throw Bad(); // unpaired, as PHP's json_decode refuses it
                if (char.IsHighSurrogate((char)code))
                {
                    // Only with its low half, escaped right after it.
                    if (i + 1 >= s.Length || s[i] != '\\') throw Bad();
                    i += 2;
                    int low = Hex4(s, ref i, s[i - 1]);
                    if (!char.IsLowSurrogate((char)low)) throw Bad();
                    sb.Append((char)code).Append((char)low);
                    continue;
                }
                sb.Append((char)code);
            }
        }

        /// <summary>The four hex digits of a <c>\\u</c> escape (<paramref name="escape"/> is the letter after the backslash) at <paramref name="i"/>.</summary>
        private static int Hex4(string s, ref int i, char escape)
        {
            if (escape != 'u' || i + 4 > s.Length || !int.TryParse(s.Substring(i, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code))
                throw Bad();
            i += 4;
            return code;
        }

        /// <summary>The compact JSON text of this value.</summary>
        public override string ToString()
        {
            var sb = new StringBuilder();
            Write(sb);
            return sb.ToString();
        }

        private void Write(StringBuilder sb)
        {
            switch (Type)
            {
                case Kind.Object:
                    sb.Append('{');
                    for (int i = 0; i < Members.Count; i++)
                    {
                        if (i > 0) sb.Append(',');
                        WriteString(sb, Members[i].Key);
                        sb.Append(':');
                        Members[i].Value.Write(sb);
                    }
                    sb.Append('}');
                    break;
                case Kind.Array:
                    sb.Append('[');
                    for (int i = 0; i < Items.Count; i++)
                    {
                        if (i > 0) sb.Append(',');
                        Items[i].Write(sb);
                    }
                    sb.Append(']');
                    break;
                case Kind.String:
                    WriteString(sb, Text);
                    break;
                default:
                    sb.Append(Text);
                    break;
            }
        }

        private static void WriteString(StringBuilder sb, string value)
        {
            sb.Append('"');
            foreach (char c in value)
            {
                if (c == '"' || c == '\\') sb.Append('\\').Append(c);
                else if (c < 0x20 || char.IsSurrogate(c)) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                else sb.Append(c);
            }
            sb.Append('"');
        }
    }
}

using System;
using System.Linq;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Matomo.Mvc5.Tests.Hostile
{
    /// <summary>Generators of hostile strings, and the one way these tests run a property.</summary>
    internal static class Nasty
    {
        /// <summary>
        /// Pieces that break naive HTML, JavaScript or comment encoding: markup, comment and script delimiters, quotes,
        /// backslashes, line and paragraph separators, NUL and other controls, lone surrogates, astral characters.
        /// </summary>
        public static readonly string[] Tokens =
        {
            "<", ">", "/", "!", "-", "\"", "'", "\\", "`", "&", "\u2028", "\u2029", "\0", "\uD800", "\uDBFF", "\uDC00", "\uDFFF",
            "\uD83D\uDE00", "\uD801\uDC37", "\uDBFF\uDFFF", "</script>", "</SCRIPT ", "<script>", "<!--", "-->", "--!>", "--", "<!",
            "]]>", "&amp;", "&#x3C;", "&lt", "${x}", "'+alert(1)+'", "\");alert(1);//", "]);_paq.push([", "\\u003C", "\\x3c",
            "\r", "\n", "\r\n", "\t", "\v", "\f", "\u0085", "\u00A0", "\uFEFF", "\uFFFE", "\uFFFF", "\u007F", "\u001B",
            " ", "a", "Z", "0", "9", "é", "ß", "日本", "%", "?", "=", ";", ",", "[", "]", "{", "}", "(", ")", "null", "undefined",
        };

        /// <summary>Any UTF-16 code unit, surrogates and controls included.</summary>
        public static readonly Gen<string> AnyCodeUnit = Gen.Choose(0, 0xFFFF).Select(i => ((char)i).ToString());

        /// <summary>Concatenations of hostile tokens and arbitrary code units; empty strings too.</summary>
        public static readonly Gen<string> String = Gen.Frequency(
                (5, Gen.Elements(Tokens)),
                (1, AnyCodeUnit))
            .ListOf()
            .Select(parts => string.Concat(parts));

        /// <summary>A string or null.</summary>
        public static readonly Gen<string> StringOrNull = Gen.Frequency((6, String), (1, Gen.Constant((string)null)));

        /// <summary>0 to <paramref name="max"/> values.</summary>
        public static Gen<T[]> Up<T>(this Gen<T> gen, int max) => Gen.Choose(0, max).SelectMany(n => gen.ArrayOf(n));

        /// <summary>Runs <paramref name="property"/> on <paramref name="cases"/> generated values; a failure throws with the case and the replay seed.</summary>
        public static void Check<T>(Gen<T> gen, int cases, Action<T> property)
        {
            Prop.ForAll(gen.ToArbitrary(), property)
                .Check(Config.QuickThrowOnFailure.WithMaxTest(cases).WithQuietOnSuccess(true));
        }

        /// <summary>A C# literal of <paramref name="s"/> with every unusual code unit escaped, for failure messages.</summary>
        public static string Show(string s)
        {
            if (s == null) return "null";
            var sb = new StringBuilder("\"");
            foreach (char c in s)
            {
                if (c >= ' ' && c <= '~' && c != '"' && c != '\\') sb.Append(c);
                else sb.Append("\\u").Append(((int)c).ToString("X4"));
            }
            return sb.Append('"').ToString();
        }

        public static string Show(object value) => value is string s ? Show(s) : value == null ? "null" : value + " : " + value.GetType().Name;
    }
}

using System;

namespace Matomo.Mvc5.Text
{
    /// <summary>The syntax shared by every list-valued setting and by numbers in settings: one place for both.</summary>
    internal static class ListSyntax
    {
        /// <summary>What separates the entries of a list setting: commas, semicolons and white space.</summary>
        private static readonly char[] Separators = { ',', ';', ' ', '\t', '\r', '\n' };

        /// <summary>The non-empty entries of a list setting.</summary>
        public static string[] Split(string list) =>
            (list ?? string.Empty).Split(Separators, StringSplitOptions.RemoveEmptyEntries);

        /// <summary>
        /// A whole number written in ASCII digits only, at most <see cref="int.MaxValue"/>. (int.TryParse also takes
        /// signs, white space and trailing NUL characters, and would let "4\0" through as 4.)
        /// </summary>
        public static bool TryParseNatural(string text, out int value) =>
            TryParseNatural(text, 0, text?.Length ?? 0, out value);

        /// <summary><see cref="TryParseNatural(string, out int)"/> on a part of <paramref name="text"/>.</summary>
        public static bool TryParseNatural(string text, int start, int length, out int value)
        {
            value = 0;
            if (text == null || length <= 0 || length > 10) return false;
            long result = 0;
            for (int i = start; i < start + length; i++)
            {
                char c = text[i];
                if (c < '0' || c > '9') return false;
                result = result * 10 + (c - '0');
            }
            if (result > int.MaxValue) return false;
            value = (int)result;
            return true;
        }
    }
}

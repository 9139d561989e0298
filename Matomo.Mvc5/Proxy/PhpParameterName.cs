using System.Text;

namespace Matomo.Mvc5.Proxy
{
    /// <summary>
    /// The name under which PHP registers a form or query parameter (<c>php_register_variable_ex</c> in PHP's
    /// <c>main/php_variables.c</c>, used for <c>$_GET</c>, <c>$_POST</c> and <c>parse_str</c>), given the name as
    /// decoded from the request: leading spaces dropped; the name cut at its first NUL (PHP reads it as a C string);
    /// spaces and dots before the first <c>[</c> made <c>_</c>; <c>name[...]</c> and <c>name[]</c> arrays named
    /// <c>name</c>; an unclosed <c>[</c> made <c>_</c>, and the spaces, dots and brackets after it too (PHP 8; PHP 7
    /// leaves those, which yields the same result for every parameter the proxy judges, none of which has two
    /// underscores). The proxy judges every parameter by this name, never by the literal one: Matomo reads what PHP
    /// registered. Knows nothing of System.Web.
    /// </summary>
    internal static class PhpParameterName
    {
        /// <summary>
        /// PHP's name for decoded name <paramref name="decoded"/>, or null when PHP drops the parameter (an empty name);
        /// <paramref name="isArray"/> tells whether PHP makes it an array.
        /// </summary>
        public static string Normalize(string decoded, out bool isArray)
        {
            isArray = false;
            int end = decoded.IndexOf('\0');
            if (end < 0) end = decoded.Length;
            int start = 0;
            while (start < end && decoded[start] == ' ') start++;
            if (start == end) return null;

            StringBuilder name = null;
            for (int i = start; i < end; i++)
            {
                char c = decoded[i];
                if (c == '[')
                {
                    if (i == start) return null; // "[x]=..." has no name: dropped
                    string baseName = name?.ToString() ?? decoded.Substring(start, i - start);
                    int index = i + 1;
                    if (index < end && decoded[index] == ' ') index++;
                    if (index < end && decoded[index] == ']' || decoded.IndexOf(']', index, end - index) >= 0)
                    {
                        isArray = true;
                        return baseName;
                    }
                    // Not an index: the '[' and whatever PHP may not keep after it become '_'.
                    var unclosed = new StringBuilder(baseName, end - start).Append('_');
                    for (int j = i + 1; j < end; j++)
                    {
                        char d = decoded[j];
                        unclosed.Append(d == ' ' || d == '.' || d == '[' ? '_' : d);
                    }
                    return unclosed.ToString();
                }
                if (c == ' ' || c == '.')
                {
                    name = name ?? new StringBuilder(decoded, start, i - start, end - start);
                    name.Append('_');
                }
                else name?.Append(c);
            }
            return name?.ToString() ?? (start == 0 && end == decoded.Length ? decoded : decoded.Substring(start, end - start));
        }
    }
}

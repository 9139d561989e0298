namespace Matomo.Mvc5.Rendering
{
    /// <summary>HTML encoding for the few attribute values the snippet carries (the nonce, the image URL).</summary>
    internal static class HtmlEncoder
    {
        /// <summary>Appends <paramref name="value"/> encoded for a double-quoted attribute.</summary>
        public static void AppendAttribute(CharBuffer output, string value)
        {
            foreach (char c in value)
            {
                switch (c)
                {
                    case '&': output.Append("&amp;"); break;
                    case '<': output.Append("&lt;"); break;
                    case '>': output.Append("&gt;"); break;
                    case '"': output.Append("&quot;"); break;
                    case '\'': output.Append("&#39;"); break;
                    default: output.Append(c); break;
                }
            }
        }
    }
}

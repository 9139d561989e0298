using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Matomo.Mvc5.Proxy;
using Matomo.Mvc5.Tests.Support.Php;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Proxy
{
    /// <summary>
    /// <see cref="PhpParameterName"/>: each rule of PHP's <c>php_register_variable_ex</c> on its own, then thousands of
    /// names built from the characters those rules turn on, each compared with what the real PHP registers.
    /// </summary>
    public class PhpParameterNameTests
    {
        private static string Normalize(string decoded, out bool isArray) => PhpParameterName.Normalize(decoded, out isArray);

        [TestCase("country", "country", false, TestName = "A plain name is itself")]
        [TestCase(" country", "country", false, TestName = "Leading spaces are dropped")]
        [TestCase("   lat", "lat", false, TestName = "Every leading space is dropped")]
        [TestCase("\tcity", "\tcity", false, TestName = "Only spaces lead away, not tabs")]
        [TestCase("cdt\0x", "cdt", false, TestName = "The name ends at a NUL")]
        [TestCase(" cdt\0[x]", "cdt", false, TestName = "A NUL ends the name before any bracket")]
        [TestCase("token.auth", "token_auth", false, TestName = "A dot becomes an underscore")]
        [TestCase("token auth", "token_auth", false, TestName = "An inner space becomes an underscore")]
        [TestCase("token[auth", "token_auth", false, TestName = "An unclosed bracket becomes an underscore")]
        [TestCase("a[b.c d[e", "a_b_c_d_e", false, TestName = "After an unclosed bracket dots spaces and brackets become underscores")]
        [TestCase("region[]", "region", true, TestName = "name[] is an array of that name")]
        [TestCase("region[ ]", "region", true, TestName = "name[ ] is an array too")]
        [TestCase("long[x]", "long", true, TestName = "name[key] is an array")]
        [TestCase("long[x]trailing", "long", true, TestName = "What follows the closing bracket is ignored")]
        [TestCase("cdo[a][b]", "cdo", true, TestName = "Nested keys make an array of the first name")]
        [TestCase("a.b[c.d]", "a_b", true, TestName = "Dots are replaced before the bracket only")]
        public void Rule(string decoded, string expected, bool array)
        {
            Assert.That(Normalize(decoded, out bool isArray), Is.EqualTo(expected));
            Assert.That(isArray, Is.EqualTo(array));
        }

        [TestCase("", TestName = "An empty name is dropped")]
        [TestCase("   ", TestName = "A name of spaces is dropped")]
        [TestCase("\0country", TestName = "A name that starts with NUL is dropped")]
        [TestCase("[x]", TestName = "A name that starts with a bracket is dropped")]
        [TestCase(" [x]", TestName = "A name of spaces before a bracket is dropped")]
        public void Dropped(string decoded) => Assert.That(Normalize(decoded, out _), Is.Null);

        /// <summary>The characters PHP's rules turn on, raw and URL-encoded, and letters of the names the proxy judges.</summary>
        private static readonly string[] Pieces =
        {
            " ", "+", "%20", ".", "%2E", "[", "%5B", "]", "%5D", "%00", "_", "%09", "%2B", "%", "%2", "c", "d", "t", "x", "cdt", "city", "token", "auth", "é", "%C3%A9", "%FF",
        };

        [Test]
        public void Agrees_with_PHP_on_generated_names()
        {
            var random = new Random(20261203);
            var names = new List<string>();
            for (int i = 0; i < 4000; i++)
            {
                var sb = new StringBuilder();
                int parts = 1 + random.Next(7);
                for (int p = 0; p < parts; p++) sb.Append(Pieces[random.Next(Pieces.Length)]);
                names.Add(sb.ToString());
            }
            List<(string[] Keys, bool[] Arrays)> php = Php.RegisteredNames(names);
            var disagreements = new List<string>();
            for (int i = 0; i < names.Count; i++)
            {
                string ours = Normalize(FormPairs.Decode(names[i]), out bool isArray);
                string[] expected = php[i].Keys;
                bool agrees = ours == null
                    ? expected.Length == 0
                    : expected.Length == 1 && expected[0] == ours && php[i].Arrays[0] == isArray;
                if (!agrees)
                    disagreements.Add(names[i] + " -> ours " + (ours == null ? "(dropped)" : ours + (isArray ? "[]" : ""))
                                      + ", PHP " + string.Join(",", expected.Select((k, j) => k + (php[i].Arrays[j] ? "[]" : ""))));
            }
            Assert.That(disagreements, Is.Empty, "names on which PHP registers another parameter");
            TestContext.Progress.WriteLine("PhpParameterName agrees with PHP on {0} generated names ({1} dropped, {2} arrays)",
                names.Count, php.Count(p => p.Keys.Length == 0), php.Count(p => p.Arrays.Any(a => a)));
        }
    }
}

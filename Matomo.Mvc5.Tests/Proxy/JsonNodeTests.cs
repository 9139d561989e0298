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
    /// <see cref="JsonNode"/>, the proxy's reading of bulk bodies: on the kinds of case of the JSON test suite
    /// (nst/JSONTestSuite: texts every parser must accept, texts every parser must refuse, and the surrogates it leaves
    /// to the implementation), it accepts exactly what PHP's <c>json_decode</c> (Matomo's reader) accepts, asked of the
    /// real PHP; and what it accepts it writes back meaning the same.
    /// </summary>
    public class JsonNodeTests
    {
        /// <summary>Texts every JSON parser accepts.</summary>
        private static readonly string[] Accepted =
        {
            "[]", "{}", "[1]", "[-0]", "[0]", "[1E22]", "[1e-2]", "[1E+2]", "[0.5]", "[-123.456e+7]", "[123e65]", "[1e999]",
            "[\"\\u0060\\u012a\\u12AB\"]", "[\"\\uD834\\uDD1E\"]", "[\"\\\\/\"]", "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]",
            "[null, true, false]", "{\"a\":[{\"b\":{}}]}", " [1] ", "\t\r\n[1]\n", "{\"a\":1,\"a\":2}", "\"string\"", "123",
            "[\"€𝄞\"]", "{\"\":0}", new string('[', 20) + "\"deep\"" + new string(']', 20), "[\"\\u0000\"]", "{\"requests\":[\"?idsite=1\"]}",
            "[1,2,3]", "[ \"a\" , \"b\" ]", "{ \"a\" : 1 }", "[-1e-999]", "[\"\\u00e9\"]", "[\"\u007f\"]",
        };

        /// <summary>Texts every JSON parser refuses.</summary>
        private static readonly string[] Refused =
        {
            "[1,]", "[,1]", "{\"a\":1,}", "{a:1}", "{'a':1}", "['a']", "[01]", "[1.]", "[.1]", "[+1]", "[1e]", "[1e+]", "[-]", "[0x1]",
            "[Infinity]", "[NaN]", "[-Infinity]", "[tru]", "[True]", "[nul]", "[\"a\u0001\"]", "[\"a\nb\"]", "[\"\\x41\"]", "[\"\\u12\"]",
            "[\"\\u12G4\"]", "[\"\\'\"]", "[1 2]", "{\"a\" 1}", "{\"a\":}", "{\"a\"}", "[", "]", "{", "}", "", " ", "[1]x", "[\"abc]",
            "[1]]", "{\"a\":1}}", "/* c */ []", "[1] // c", "[\f1]", "[\u00a01]", "{\"a\":1 \"b\":2}", "[--1]", "[1.2.3]", "[\"\\\"]",
            "{1:1}", "{null:1}", "[\"\\uD800\"]", "[\"\\uDC00\"]", "[\"\\uD800\\u0041\"]", "[\"\\uDD1E\\uD834\"]",
        };

        private static IEnumerable<string> All => Accepted.Concat(Refused);

        [Test]
        public void Accepts_exactly_what_PHPs_json_decode_accepts()
        {
            string[] cases = All.ToArray();
            List<string> php = Php.Lines("json.php", cases.Select(c => Convert.ToBase64String(Encoding.UTF8.GetBytes(c))).ToList());
            var disagreements = new List<string>();
            for (int i = 0; i < cases.Length; i++)
            {
                bool ours = JsonNode.TryParse(cases[i]) != null, phps = php[i] == "1";
                if (ours != phps) disagreements.Add("<" + cases[i] + ">: ours " + (ours ? "accepts" : "refuses") + ", PHP " + (phps ? "accepts" : "refuses"));
            }
            Assert.That(disagreements, Is.Empty);
            // The lists say what they say: PHP agrees with each one's verdict.
            Assert.That(Enumerable.Range(0, Accepted.Length).Where(i => php[i] != "1").Select(i => Accepted[i]), Is.Empty, "accepted by PHP");
            Assert.That(Enumerable.Range(Accepted.Length, Refused.Length).Where(i => php[i] != "0").Select(i => cases[i]), Is.Empty, "refused by PHP");
        }

        [Test]
        public void What_it_accepts_it_writes_back_as_JSON_PHP_reads_the_same()
        {
            // Written back (compact, escapes normalised), each accepted text must decode in PHP to the same value as the original.
            var pairs = Accepted.SelectMany(c => new[] { c, JsonNode.TryParse(c).ToString() }).ToList();
            List<string> php = Php.Lines("json-same.php", pairs.Select(c => Convert.ToBase64String(Encoding.UTF8.GetBytes(c))).ToList());
            for (int i = 0; i < Accepted.Length; i++)
                Assert.That(php[2 * i + 1], Is.EqualTo(php[2 * i]), "<" + Accepted[i] + "> written back as <" + pairs[2 * i + 1] + ">");
        }

        [Test]
        public void Nesting_is_capped_deeper_than_any_tracking_request_and_a_deeper_body_is_not_read()
        {
            string nested = new string('[', 64) + new string(']', 64);
            string deeper = new string('[', 66) + new string(']', 66);
            Assert.That(JsonNode.TryParse(nested), Is.Not.Null);
            Assert.That(JsonNode.TryParse(deeper), Is.Null, "PHP reads up to 512 levels; the proxy reads no bulk body that deep, and adds no token to it");
        }

        [Test]
        public void Later_duplicate_members_win_on_look_up_as_in_PHP()
        {
            JsonNode node = JsonNode.TryParse("{\"token_auth\":\"a\",\"token_auth\":\"b\"}");
            Assert.That(node.Get("token_auth").Text, Is.EqualTo("b"));
            node.Set("token_auth", JsonNode.String("c"));
            Assert.That(node.ToString(), Is.EqualTo("{\"token_auth\":\"c\"}"), "Set replaces every member of that name");
        }
    }
}

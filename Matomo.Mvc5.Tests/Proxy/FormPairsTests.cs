using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using Matomo.Mvc5.Proxy;
using Matomo.Mvc5.Tests.Support.Php;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Proxy
{
    /// <summary>
    /// <see cref="FormPairs"/>: what it says of each parameter of a query string (absent, an array, or a string and its
    /// value) is what PHP's <c>parse_str</c> makes of it, asked of the real PHP on generated query strings (repeated
    /// names, <c>name[]</c> and <c>name[key]</c>, <c>+</c>, <c>%uXXXX</c> left alone, broken escapes, NUL, spellings
    /// PHP normalises); and it writes the pairs back without changing what PHP reads.
    /// </summary>
    public class FormPairsTests
    {
        private static readonly string[] Names = { "a", "b", "a[]", "a[x]", "b[]", "+a", "a.b", "a_b", "%20a", "a%00z", "a[", "c%5B%5D", "%61" };
        private static readonly string[] Values = { "1", "%41", "+", "a+b", "%u0041", "%", "%zz", "%4", "é", "%C3%A9", "%FF", "", "x%00y", "%2B", "%26" };

        private static List<string> Queries()
        {
            var random = new Random(5);
            var queries = new List<string>();
            for (int i = 0; i < 1500; i++)
            {
                var pairs = new List<string>();
                int n = 1 + random.Next(5);
                for (int p = 0; p < n; p++)
                {
                    int form = random.Next(10);
                    string name = Names[random.Next(Names.Length)];
                    pairs.Add(form == 0 ? name : form == 1 ? "" : name + "=" + Values[random.Next(Values.Length)] + (form == 2 ? "=" + Values[random.Next(Values.Length)] : ""));
                }
                queries.Add(string.Join("&", pairs));
            }
            return queries;
        }

        /// <summary>What PHP says of <paramref name="name"/> in one query's parse: absent, array, or the string.</summary>
        private static (FormPairs.State, string) PhpSays(JsonElement parsed, string name)
        {
            if (!parsed.TryGetProperty(name, out JsonElement v)) return (FormPairs.State.Absent, null);
            return v.ValueKind == JsonValueKind.String ? (FormPairs.State.String, v.GetString()) : (FormPairs.State.Array, null);
        }

        private static (FormPairs.State, string) Ours(FormPairs pairs, string name)
        {
            FormPairs.State state = pairs.Get(name, out string value);
            return (state, value);
        }

        /// <summary>Every name PHP or we could register: the PHP names of the generated ones.</summary>
        private static readonly string[] Candidates = Names.Select(n => PhpParameterName.Normalize(FormPairs.Decode(n), out _)).Where(n => n != null).Distinct().ToArray();

        [Test]
        public void Says_of_each_parameter_what_PHPs_parse_str_says()
        {
            List<string> queries = Queries();
            List<string> php = Php.Lines("form.php", queries);
            var disagreements = new List<string>();
            for (int i = 0; i < queries.Count; i++)
            {
                using (JsonDocument d = JsonDocument.Parse(php[i]))
                {
                    FormPairs ours = FormPairs.Parse(queries[i]);
                    foreach (string key in d.RootElement.EnumerateObject().Select(p => p.Name))
                        Assert.That(Candidates, Does.Contain(key), "PHP registered a name no candidate covers: " + queries[i]);
                    foreach (string name in Candidates)
                    {
                        var expected = PhpSays(d.RootElement, name);
                        var actual = Ours(ours, name);
                        if (!expected.Equals(actual)) disagreements.Add(queries[i] + " [" + name + "]: ours " + actual + ", PHP " + expected);
                    }
                }
            }
            Assert.That(disagreements.Take(20), Is.Empty, disagreements.Count + " disagreements");
        }

        [Test]
        public void Written_back_PHP_reads_the_same_parameters()
        {
            List<string> queries = Queries();
            List<string> written = queries.Select(q => FormPairs.Parse(q).ToString()).ToList();
            List<string> php = Php.Lines("form.php", queries.Concat(written).ToList());
            for (int i = 0; i < queries.Count; i++)
                Assert.That(php[queries.Count + i], Is.EqualTo(php[i]), queries[i] + " written back as " + written[i]);
            Assert.That(written.SelectMany(w => w.Split('&')), Has.All.Matches<string>(FormPairs.IsUrlSafe), "nothing but URL-safe characters and escapes on the way out");
        }

        [TestCase("a=1&a=2", "a", "String", "2", TestName = "The last of a repeated name wins")]
        [TestCase("a[]=1&a=2", "a", "String", "2", TestName = "A plain value after an array replaces it")]
        [TestCase("a=2&a[]=1", "a", "Array", null, TestName = "An array after a plain value replaces it")]
        [TestCase("a=%u0041", "a", "String", "%u0041", TestName = "A %u escape is left alone")]
        [TestCase("a=x+y%2B", "a", "String", "x y+", TestName = "A plus is a space and an encoded plus a plus")]
        [TestCase("a=%zz%4", "a", "String", "%zz%4", TestName = "Broken escapes are kept as text")]
        [TestCase("a", "a", "String", "", TestName = "A name without value is an empty string")]
        [TestCase("=1&[x]=2", "x", "Absent", null, TestName = "Nameless pairs are dropped")]
        public void Rule(string query, string name, string state, string value)
        {
            Assert.That(FormPairs.Parse(query).Get(name, out string v).ToString(), Is.EqualTo(state));
            Assert.That(v, Is.EqualTo(value));
        }
    }
}

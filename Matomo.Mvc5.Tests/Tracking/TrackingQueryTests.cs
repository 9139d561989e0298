using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using Matomo.Mvc5.Tests.Support.Php;
using Matomo.Mvc5.Tracking;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Tracking
{
    /// <summary><see cref="TrackingQuery"/>: what Matomo reads of a written query is what was written (PHP is the judge).</summary>
    public class TrackingQueryTests
    {
        /// <summary>Hostile values: control characters, quotes, separators, every plane, lone surrogates, 10,000 characters.</summary>
        private static readonly string[] Values =
        {
            "", " ", "plain", "a&b=c", "a+b c", "100%", "%41", "?x=1#y", "'\"<>\\", "\u0000nul", "\u0001\u001F\u007F",
            "tab\tnew\nline\r", "ä ö ü ß é", "日本語のテキスト", "😀 emoji 𝄞", "\u2028\u2029", "\uFEFFbom", "Ω≈ç√",
            "lone \uD800 high", "lone \uDC00 low", "\uDC00\uD800 reversed", "]]>-->", "a[b]", "x.y z",
            new string('x', 10000), string.Concat(Enumerable.Repeat("é😀&", 2500)),
        };

        private static string AsUtf8(string value) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(value));

        private static List<JsonElement> MatomoReads(IEnumerable<string> queries) =>
            Php.Lines("tracking-query.php", queries.ToList()).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();

        [Test]
        public void Every_value_reaches_Matomo_as_written_and_lone_surrogates_as_U_FFFD()
        {
            var queries = Values.Select(v => new TrackingQuery().Add("idsite", 4).Add("action_name", v).Add("url", "https://example.com/?q=" + v).ToString()).ToList();
            List<JsonElement> read = MatomoReads(queries);
            for (int i = 0; i < Values.Length; i++)
            {
                Assert.That(read[i].GetProperty("idsite").GetString(), Is.EqualTo("4"));
                Assert.That(read[i].GetProperty("action_name").GetString(), Is.EqualTo(AsUtf8(Values[i])), "value " + i);
                Assert.That(read[i].GetProperty("url").GetString(), Is.EqualTo(AsUtf8("https://example.com/?q=" + Values[i])), "value " + i);
                Assert.That(read[i].EnumerateObject().Count(), Is.EqualTo(3), "no value splits into more parameters");
            }
        }

        [Test]
        public void JSON_values_are_decoded_by_Matomo_to_the_strings_written()
        {
            var queries = new List<string>();
            foreach (string v in Values)
            {
                var json = new StringBuilder("[[");
                TrackingQuery.AppendJsonString(json, v);
                json.Append(",");
                TrackingQuery.AppendJsonString(json, v + "!");
                json.Append("]]");
                queries.Add(new TrackingQuery().Add("ec_items", json.ToString()).ToString());
            }
            List<JsonElement> read = MatomoReads(queries);
            for (int i = 0; i < Values.Length; i++)
            {
                JsonElement items = read[i].GetProperty("ec_items");
                Assert.That(items.ValueKind, Is.EqualTo(JsonValueKind.Array), "json_decode refused value " + i);
                Assert.That(items[0][0].GetString(), Is.EqualTo(AsUtf8(Values[i])), "value " + i);
                Assert.That(items[0][1].GetString(), Is.EqualTo(AsUtf8(Values[i] + "!")), "value " + i);
            }
        }

        [TestCase(0, "0")]
        [TestCase(12.5, "12.5")]
        [TestCase(1000, "1000")]
        [TestCase(0.1, "0.1")]
        [TestCase(-3.25, "-3.25")]
        public void Amounts_are_written_as_Matomo_reads_numbers_in_every_culture(decimal amount, string text)
        {
            foreach (string culture in new[] { "de-DE", "fr-FR", "ar-SA", "fa-IR", "hi-IN", "" })
            {
                CultureInfo before = Thread.CurrentThread.CurrentCulture;
                try
                {
                    Thread.CurrentThread.CurrentCulture = new CultureInfo(culture);
                    Assert.That(TrackingQuery.Number(amount), Is.EqualTo(text), culture);
                    Assert.That(TrackingQuery.Number(amount * 1.000m), Is.EqualTo(text), "trailing zeros of a decimal go: " + culture);
                    Assert.That(new TrackingQuery().Add("revenue", amount).ToString(), Is.EqualTo("?revenue=" + text), culture);
                }
                finally
                {
                    Thread.CurrentThread.CurrentCulture = before;
                }
            }
        }

        [TestCase(1.0, "1")]
        [TestCase(-2.0, "-2")]
        [TestCase(0.1, "0.1")]
        [TestCase(1e-7, "1E-07")]
        [TestCase(123456.789, "123456.789")]
        public void Event_values_are_round_trip_and_invariant(double value, string text)
        {
            CultureInfo before = Thread.CurrentThread.CurrentCulture;
            try
            {
                Thread.CurrentThread.CurrentCulture = new CultureInfo("de-DE");
                Assert.That(TrackingQuery.Number(value), Is.EqualTo(text));
                Assert.That(double.Parse(text, CultureInfo.InvariantCulture), Is.EqualTo(value));
            }
            finally
            {
                Thread.CurrentThread.CurrentCulture = before;
            }
        }

        [TestCase(double.NaN)]
        [TestCase(double.PositiveInfinity)]
        [TestCase(double.NegativeInfinity)]
        public void No_number_is_no_value(double value)
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => TrackingQuery.Number(value));
        }

        [Test]
        public void A_name_is_written_once_and_null_values_not_at_all()
        {
            TrackingQuery q = new TrackingQuery().Add("idsite", 4).Add("uid", (string)null).Add("idsite", 5).Add("rec", 1);
            Assert.That(q.ToString(), Is.EqualTo("?idsite=4&rec=1"));
            Assert.That(q.Has("uid"), Is.False);
            Assert.That(q.Names, Is.EquivalentTo(new[] { "idsite", "rec" }));
        }
    }
}

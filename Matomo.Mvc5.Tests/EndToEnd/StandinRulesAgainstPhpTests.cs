using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Matomo.Mvc5.Standin;
using Matomo.Mvc5.Tests.Support.Php;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.EndToEnd
{
    /// <summary>
    /// The stand-in's reading of parameter values (<see cref="TrackingRules"/>) against PHP itself
    /// (Support/Php/matomo-values.php): whole numbers as Matomo's getRequestVar(..., 'int') reads idsite, rec and cdo,
    /// PHP's empty() that decides whether cip or country was given, is_numeric() and strtotime() that read cdt.
    /// </summary>
    [TestFixture]
    public class StandinRulesAgainstPhpTests
    {
        private sealed class PhpReading
        {
            public long Int;
            public bool Empty;
            public bool Numeric;
            public double? Time;
        }

        /// <summary>Every string of up to 4 characters from an alphabet of what numbers are made of, and some longer ones.</summary>
        private static List<string> Values()
        {
            var alphabet = new[] { "0", "1", "7", " ", "\t", "\n", "+", "-", ".", "e", "x", "a" };
            var values = new List<string> { "" };
            var last = new List<string> { "" };
            for (int length = 1; length <= 4; length++)
            {
                last = last.SelectMany(v => alphabet.Select(c => v + c)).ToList();
                values.AddRange(last);
            }
            values.AddRange(new[] { "1e400", "-1e400", "9e18", "1e18", "0x1A", "1_000", "042", "4.0", "4.50", "00", "0.0", "-0", " 42 ", "\v42", "42\f", "١" });
            return values;
        }

        private static List<PhpReading> Php(IReadOnlyList<string> values) =>
            Support.Php.Php.Lines("matomo-values.php", values.Select(v => JsonSerializer.Serialize(v)).ToList())
                .Select(line =>
                {
                    using (var json = JsonDocument.Parse(line))
                    {
                        var root = json.RootElement;
                        var time = root.GetProperty("time");
                        return new PhpReading
                        {
                            Int = root.GetProperty("int").GetInt64(),
                            Empty = root.GetProperty("empty").GetBoolean(),
                            Numeric = root.GetProperty("numeric").GetBoolean(),
                            Time = time.ValueKind == JsonValueKind.Number ? time.GetDouble() : (double?)null,
                        };
                    }
                })
                .ToList();

        [Test]
        public void Whole_numbers_empty_and_numeric_strings_are_read_as_PHP_and_Matomo_read_them()
        {
            var values = Values();
            var php = Php(values);
            var differences = values.Select((v, i) => (v, p: php[i]))
                .Where(x => TrackingRules.Int(x.v) != x.p.Int || TrackingRules.IsEmpty(x.v) != x.p.Empty || TrackingRules.IsNumeric(x.v) != x.p.Numeric)
                .Select(x => JsonSerializer.Serialize(x.v) + ": int " + TrackingRules.Int(x.v) + " (PHP " + x.p.Int + "), empty " + TrackingRules.IsEmpty(x.v)
                             + " (PHP " + x.p.Empty + "), numeric " + TrackingRules.IsNumeric(x.v) + " (PHP " + x.p.Numeric + ")")
                .ToList();
            Assert.That(values.Count, Is.GreaterThan(20000));
            Assert.That(differences, Is.Empty, differences.Count + " of " + values.Count + " values");
        }

        [TestCase("2024-05-01 10:00:00")]
        [TestCase("2024-05-01 10:00")]
        [TestCase("2024-05-01")]
        [TestCase("2024-05-01T10:00:00Z")]
        [TestCase("2024-05-01T10:00:00")]
        [TestCase("2024-05-01T10:00:00+02:00")]
        [TestCase("2024-05-01T10:00:00.250Z")]
        [TestCase("Wed, 01 May 2024 10:00:00 GMT")]
        [TestCase("01 May 2024 10:00:00")]
        [TestCase("May 1, 2024")]
        [TestCase("2024/05/01 10:00:00")]
        [TestCase("not a date")]
        [TestCase("")]
        public void Dates_are_read_as_strtotime_reads_them_in_UTC(string date)
        {
            Assert.That(TrackingRules.StrToTime(date), Is.EqualTo(Php(new[] { date })[0].Time));
        }
    }
}

using System;
using System.Linq;

using Jint;
using Matomo.Mvc5.Rendering;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Rendering
{
    public class JavaScriptEncoderTests
    {
        private static string Roundtrip(string literal) => new Engine().Evaluate(literal).AsString();

        [Test]
        public void Every_utf16_code_unit_round_trips_through_a_javascript_engine()
        {
            var all = new CharBuffer();
            for (int c = 0; c <= 0xFFFF; c++) all.Append((char)c);
            string literal = JavaScriptEncoder.EncodeString(all.ToString());
            Assert.That(Roundtrip(literal), Is.EqualTo(all.ToString()));
            Assert.That(literal.All(ch => ch >= ' ' && ch <= '~'), Is.True, "plain printable ASCII");
        }

        [TestCase("</script>", "\"\\u003C/script\\u003E\"")]
        [TestCase("a&b", "\"a\\u0026b\"")]
        [TestCase("\u2028\u2029", "\"\\u2028\\u2029\"")]
        [TestCase("'\"\\", "\"\\u0027\\\"\\\\\"")]
        [TestCase("\0\n", "\"\\u0000\\n\"")]
        [TestCase("plain text 123", "\"plain text 123\"")]
        [TestCase(null, "null")]
        public void Escapes_are_fixed_whatever_the_runtime(string input, string expected)
        {
            Assert.That(JavaScriptEncoder.EncodeString(input), Is.EqualTo(expected));
        }

        [TestCase(0, "0")]
        [TestCase(7, "7")]
        [TestCase(10, "10")]
        [TestCase(1234567890, "1234567890")]
        [TestCase(int.MaxValue, "2147483647")]
        [TestCase(-45, "-45")]
        [TestCase(int.MinValue, "-2147483648")]
        public void Integers(int value, string expected)
        {
            var sb = new CharBuffer();
            JavaScriptEncoder.AppendInteger(sb, value);
            Assert.That(sb.ToString(), Is.EqualTo(expected));
        }

        [Test]
        public void Values()
        {
            string Encode(object v)
            {
                var sb = new CharBuffer();
                Assert.That(JavaScriptEncoder.TryAppendValue(sb, v, out string error), Is.True, error);
                return sb.ToString();
            }
            Assert.That(Encode(true), Is.EqualTo("true"));
            Assert.That(Encode(null), Is.EqualTo("null"));
            Assert.That(Encode(1.5), Is.EqualTo("1.5"));
            Assert.That(new Engine().Evaluate(Encode(0.1)).AsNumber(), Is.EqualTo(0.1));
            Assert.That(new Engine().Evaluate(Encode(-0.1f)).AsNumber(), Is.EqualTo((double)-0.1f), "a float's exact value");
            // Mono's "R" keeps 8.3880898561018E-302 although it is not that double (its double.Parse is off by one ulp).
            double tricky = BitConverter.Int64BitsToDouble(0x016CC2E57190C5CA);
            Assert.That(new Engine().Evaluate(Encode(tricky)).AsNumber(), Is.EqualTo(tricky), tricky.ToString("G17"));
            Assert.That(Encode(12345678901L), Is.EqualTo("12345678901"));
            Assert.That(Encode(2.5m), Is.EqualTo("2.5"));
            Assert.That(new Engine().Evaluate(Encode(1e300)).AsNumber(), Is.EqualTo(1e300));
            // Values whose "R" form does not round-trip on .NET Framework / Mono still come back exactly.
            var random = new Random(7);
            var engine = new Engine();
            for (int i = 0; i < 5000; i++)
            {
                double d = BitConverter.Int64BitsToDouble((long)(random.NextDouble() * long.MaxValue) ^ ((long)random.Next() << 33));
                if (double.IsNaN(d) || double.IsInfinity(d)) continue;
                Assert.That(engine.Evaluate(Encode(d)).AsNumber(), Is.EqualTo(d), d.ToString("G17"));
            }
            var refused = new CharBuffer();
            Assert.That(JavaScriptEncoder.TryAppendValue(refused, double.NaN, out string nanError), Is.False);
            Assert.That(nanError, Does.Contain("finite"));
            Assert.That(JavaScriptEncoder.TryAppendValue(refused, new object(), out string objectError), Is.False);
            Assert.That(objectError, Does.Contain("System.Object"));
            Assert.That(refused.Length, Is.Zero, "nothing is appended for a refused value");
            Assert.Throws<ArgumentException>(() => JavaScriptEncoder.AppendValue(refused, new object()), "never dropped silently");
        }
    }
}

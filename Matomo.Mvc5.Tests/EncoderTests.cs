using System;
using System.Linq;
using System.Text;
using Jint;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests
{
    public class EncoderTests
    {
        private static string Roundtrip(string literal) => new Engine().Evaluate(literal).AsString();

        [Test]
        public void Every_utf16_code_unit_round_trips_through_a_javascript_engine()
        {
            var all = new StringBuilder();
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
            var sb = new StringBuilder();
            JavaScriptEncoder.AppendInteger(sb, value);
            Assert.That(sb.ToString(), Is.EqualTo(expected));
        }

        [Test]
        public void Values()
        {
            string Encode(object v)
            {
                var sb = new StringBuilder();
                Assert.That(JavaScriptEncoder.TryAppendValue(sb, v), Is.Null);
                return sb.ToString();
            }
            Assert.That(Encode(true), Is.EqualTo("true"));
            Assert.That(Encode(null), Is.EqualTo("null"));
            Assert.That(Encode(1.5), Is.EqualTo("1.5"));
            Assert.That(Encode(-0.1f), Is.EqualTo("-0.1"));
            Assert.That(new Engine().Evaluate(Encode(1e30f)).AsNumber(), Is.EqualTo(1e30).Within(1e24));
            Assert.That(Encode(12345678901L), Is.EqualTo("12345678901"));
            Assert.That(Encode(2.5m), Is.EqualTo("2.5"));
            Assert.That(new Engine().Evaluate(Encode(1e300)).AsNumber(), Is.EqualTo(1e300));
            Assert.That(JavaScriptEncoder.TryAppendValue(new StringBuilder(), double.NaN), Does.Contain("finite"));
            Assert.That(JavaScriptEncoder.TryAppendValue(new StringBuilder(), new object()), Does.Contain("System.Object"));
        }
    }
}

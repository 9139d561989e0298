using System.Globalization;
using Matomo.Mvc5.Text;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Text
{
    /// <summary><see cref="ListSyntax"/>: how list settings split, and the whole numbers settings take.</summary>
    public class ListSyntaxTests
    {
        [TestCase(null, new string[0])]
        [TestCase("", new string[0])]
        [TestCase(" ,; \t\r\n", new string[0])]
        [TestCase("a", new[] { "a" })]
        [TestCase("a,b;c d\te\rf\ng", new[] { "a", "b", "c", "d", "e", "f", "g" })]
        [TestCase(" ,a,, b ;", new[] { "a", "b" })]
        [TestCase("10.0.0.0/8|x", new[] { "10.0.0.0/8|x" })]
        [TestCase("a\u00A0b", new[] { "a\u00A0b" })] // only ASCII white space separates
        public void Split_takes_commas_semicolons_and_ascii_white_space_and_drops_empty_entries(string list, string[] entries)
        {
            Assert.That(ListSyntax.Split(list), Is.EqualTo(entries));
        }

        [TestCase("0", 0)]
        [TestCase("4", 4)]
        [TestCase("007", 7)]
        [TestCase("2147483647", int.MaxValue)]
        [TestCase("0000000001", 1)]
        public void Whole_numbers_in_ascii_digits_are_read(string text, int expected)
        {
            Assert.That(ListSyntax.TryParseNatural(text, out int value), Is.True);
            Assert.That(value, Is.EqualTo(expected));
        }

        [TestCase(null)]
        [TestCase("")]
        [TestCase("2147483648")]
        [TestCase("99999999999")]
        [TestCase("00000000001")] // more than ten digits
        [TestCase("+4")]
        [TestCase("-4")]
        [TestCase(" 4")]
        [TestCase("4 ")]
        [TestCase("4\0")]
        [TestCase("4.0")]
        [TestCase("1e3")]
        [TestCase("\u0664")] // ARABIC-INDIC DIGIT FOUR: char.IsDigit, and no digit here
        [TestCase("\uFF14")] // FULLWIDTH DIGIT FOUR
        public void Anything_else_is_no_whole_number_whatever_int_TryParse_would_say(string text)
        {
            Assert.That(ListSyntax.TryParseNatural(text, out int value), Is.False);
            Assert.That(value, Is.EqualTo(0));
        }

        [Test]
        public void Int_TryParse_would_have_taken_some_of_them()
        {
            // Why the library does not use int.TryParse: the cases above that it lets through.
            Assert.That(int.TryParse(" 4", NumberStyles.Integer, CultureInfo.InvariantCulture, out _), Is.True);
            Assert.That(int.TryParse("+4", NumberStyles.Integer, CultureInfo.InvariantCulture, out _), Is.True);
            Assert.That(ListSyntax.TryParseNatural(" 4", out _) || ListSyntax.TryParseNatural("+4", out _), Is.False);
        }

        [TestCase("port 8080!", 5, 4, 8080)]
        [TestCase("x:65535/m", 2, 5, 65535)]
        public void A_part_of_a_text_is_read_without_a_substring(string text, int start, int length, int expected)
        {
            Assert.That(ListSyntax.TryParseNatural(text, start, length, out int value), Is.True);
            Assert.That(value, Is.EqualTo(expected));
            Assert.That(ListSyntax.TryParseNatural(text, start, length + 1, out _), Is.False, "one character more is no number");
        }
    }
}

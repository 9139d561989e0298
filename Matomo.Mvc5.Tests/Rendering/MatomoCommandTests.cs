using System;
using System.Collections;
using System.Collections.Generic;
using Matomo.Mvc5.Rendering;
using Matomo.Mvc5.Tests.Support;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Rendering
{
    /// <summary>
    /// A command is immutable: its arguments cannot be changed after it was checked, neither through what
    /// <see cref="MatomoCommand.Arguments"/> hands out nor through the array it was made from; and no encoding error is
    /// ever dropped silently on the way to the page.
    /// </summary>
    public class MatomoCommandTests
    {
        private static Snippet RenderWith(MatomoCommand command)
        {
            var page = new MatomoPage();
            page.Commands.Add(command);
            return Snippet.Parse(MatomoRenderer.Render(TestSettings.Basic(), page));
        }

        [Test]
        public void Arguments_cannot_be_changed_through_what_the_command_hands_out()
        {
            var command = new MatomoCommand("trackEvent", "Video", "Play", "Intro", 3);
            string before = MatomoRenderer.Render(TestSettings.Basic(), PageWith(command));

            // The attack: cast back to the array and write into it.
            IReadOnlyList<object> handedOut = command.Arguments;
            // (The cast may fail, or hand out a copy; either way nothing may change.)
            if (handedOut is object[] array) array[0] = new object();
            // Any other mutable view of it must refuse to change.
            if (handedOut is IList<object> list)
            {
                Assert.That(list.IsReadOnly, Is.True);
                Assert.Throws<NotSupportedException>(() => list[0] = new object());
                Assert.Throws<NotSupportedException>(() => list.Add("more"));
            }
            if (handedOut is IList plain)
            {
                Assert.Throws<NotSupportedException>(() => plain[1] = new object());
                Assert.Throws<NotSupportedException>(plain.Clear);
            }

            Assert.That(command.Arguments, Is.EqualTo(new object[] { "Video", "Play", "Intro", 3 }));
            Assert.That(MatomoRenderer.Render(TestSettings.Basic(), PageWith(command)), Is.EqualTo(before));
            Assert.That(RenderWith(command).Single("trackEvent"), Is.EqualTo(new object[] { "Video", "Play", "Intro", 3 }));
        }

        [Test]
        public void Changing_the_array_the_command_was_made_from_changes_nothing()
        {
            var arguments = new object[] { "Video", "Play" };
            var command = new MatomoCommand("trackEvent", arguments);
            arguments[0] = new object();
            arguments[1] = double.NaN;
            Assert.That(command.Arguments, Is.EqualTo(new object[] { "Video", "Play" }));
            Assert.That(RenderWith(command).Single("trackEvent"), Is.EqualTo(new object[] { "Video", "Play" }));
        }

        [Test]
        public void The_page_never_gets_an_empty_argument()
        {
            // What the defect rendered: _paq.push(["trackEvent", , , ]);
            var command = new MatomoCommand("trackEvent", "a", "b", "c");
            if (command.Arguments is object[] array) array[0] = array[1] = array[2] = new object();
            string html = MatomoRenderer.Render(TestSettings.Basic(), PageWith(command));
            Assert.That(html, Does.Not.Contain(", ,").And.Not.Contain("[,").And.Not.Contain(", ]"));
            Assert.That(RenderWith(command).Single("trackEvent"), Is.EqualTo(new object[] { "a", "b", "c" }));
        }

        [TestCase(double.NaN)]
        [TestCase(double.PositiveInfinity)]
        [TestCase(float.NegativeInfinity)]
        public void A_value_that_cannot_be_encoded_is_refused_when_the_command_is_made(object bad)
        {
            var e = Assert.Throws<ArgumentException>(() => new MatomoCommand("trackEvent", "ok", bad));
            Assert.That(e.Message, Does.Contain("Argument 2").And.Contain("finite"));
            Assert.Throws<ArgumentException>(() => new MatomoCommand("trackEvent", new object()));
            Assert.Throws<ArgumentException>(() => new MatomoCommand("trackEvent", new[] { 1, 2 }));
        }

        [Test]
        public void The_encoder_throws_rather_than_drop_a_value()
        {
            foreach (object bad in new object[] { new object(), double.NaN, float.PositiveInfinity, new[] { "a" }, DateTime.MinValue })
            {
                var output = new CharBuffer();
                output.Append("[");
                Assert.Throws<ArgumentException>(() => JavaScriptEncoder.AppendValue(output, bad), Convert.ToString(bad));
                Assert.That(output.ToString(), Is.EqualTo("["), "nothing half-written");
            }
            var fine = new CharBuffer();
            JavaScriptEncoder.AppendValue(fine, "x");
            JavaScriptEncoder.AppendValue(fine, 2);
            Assert.That(fine.ToString(), Is.EqualTo("\"x\"2"));
        }

        private static MatomoPage PageWith(MatomoCommand command)
        {
            var page = new MatomoPage();
            page.Commands.Add(command);
            return page;
        }
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Jint;
using Jint.Native;
using Matomo.Mvc5.Rendering;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Rendering
{
    /// <summary>
    /// The one writer of tracker commands, directly: the text of each kind of argument, and what a JavaScript engine
    /// reads from it (the command as the tracker would receive it).
    /// </summary>
    public class CommandWriterTests
    {
        private static readonly string[] Hostile =
        {
            "plain", "", "</script><script>alert(1)</script>", "<!-- -->", "\"]); alert(1); _paq.push([\"", "back\\slash'quote",
            "\u2028\u2029", "\0\r\n\t", "é ü 😀", "\ud800 lone", "a&b<c>d",
        };

        /// <summary>Runs <paramref name="script"/> after <c>var _paq = []</c> and returns the engine.</summary>
        private static Engine Run(string script)
        {
            var engine = new Engine();
            engine.Execute("var window = this; var _paq = window._paq = []; var _mtm = window._mtm = [];\n" + script);
            return engine;
        }

        private static object[] OnlyCommand(string script)
        {
            Engine engine = Run(script);
            Assert.That(engine.Evaluate("_paq.length").AsNumber(), Is.EqualTo(1), script);
            return ((object[])engine.Evaluate("_paq[0]").ToObject());
        }

        private static string Write(Action<CharBuffer> write)
        {
            var output = new CharBuffer(8);
            write(output);
            return output.ToString();
        }

        [Test]
        public void A_command_begun_by_name_with_one_argument_of_each_kind_is_the_array_the_tracker_receives()
        {
            string script = Write(o =>
            {
                CommandWriter.Begin(o, "trackEvent");
                CommandWriter.String(o, "Video");
                CommandWriter.String(o, null);
                CommandWriter.StringOrFalse(o, null);
                CommandWriter.StringOrFalse(o, "named");
                CommandWriter.Integer(o, 7);
                CommandWriter.Integer(o, -1234567);
                CommandWriter.Decimal(o, 19.990m);
                CommandWriter.DecimalOrFalse(o, null);
                CommandWriter.Double(o, 0.1);
                CommandWriter.Boolean(o, true);
                CommandWriter.Boolean(o, false);
                CommandWriter.StringArray(o, new[] { "a", "b" });
                CommandWriter.Value(o, 3L);
                CommandWriter.End(o);
            });
            Assert.That(script, Is.EqualTo(
                "_paq.push([\"trackEvent\", \"Video\", null, false, \"named\", 7, -1234567, 19.99, false, 0.10000000000000001, true, false, [\"a\", \"b\"], 3]);\n"));
            object[] command = OnlyCommand(script);
            Assert.That(command.Take(12), Is.EqualTo(new object[] { "trackEvent", "Video", null, false, "named", 7.0, -1234567.0, 19.99, false, 0.1, true, false }));
            Assert.That(command[12], Is.EqualTo(new object[] { "a", "b" }));
            Assert.That(command[13], Is.EqualTo(3.0));
        }

        [Test]
        public void Undefined_is_an_argument_the_tracker_sees_as_not_given()
        {
            string script = Write(o =>
            {
                CommandWriter.Begin(o, CommandName.TrackEvent);
                CommandWriter.String(o, "c");
                CommandWriter.Undefined(o);
                CommandWriter.End(o);
            });
            Engine engine = Run(script);
            Assert.That(engine.Evaluate("_paq[0].length").AsNumber(), Is.EqualTo(3));
            Assert.That(engine.Evaluate("typeof _paq[0][2]").AsString(), Is.EqualTo("undefined"));
        }

        [Test]
        public void Hostile_strings_arrive_unchanged_and_the_script_stays_one_plain_ascii_command()
        {
            foreach (string value in Hostile)
            {
                string script = Write(o =>
                {
                    CommandWriter.Begin(o, CommandName.SetCustomVariable);
                    CommandWriter.Integer(o, 1);
                    CommandWriter.String(o, value);
                    CommandWriter.StringOrFalse(o, value);
                    CommandWriter.StringArray(o, new[] { value, value });
                    CommandWriter.End(o);
                });
                Assert.That(script.All(c => c >= ' ' && c <= '~' || c == '\n'), Is.True, "plain ASCII: " + script);
                Assert.That(script.IndexOf("</", StringComparison.Ordinal), Is.LessThan(0), script);
                Assert.That(script.IndexOf("<!--", StringComparison.Ordinal), Is.LessThan(0), script);
                Assert.That(script.Count(c => c == '\n'), Is.EqualTo(1), script);
                object[] command = OnlyCommand(script);
                Assert.That(command.Take(4), Is.EqualTo(new object[] { "setCustomVariable", 1.0, value, value }), script);
                Assert.That(command[4], Is.EqualTo(new object[] { value, value }), script);
            }
        }

        [Test]
        public void Every_command_name_opens_as_its_method_name_encoded_on_the_fly_would()
        {
            var names = typeof(CommandName).GetFields().Where(f => f.IsStatic && f.FieldType == typeof(CommandName))
                .Select(f => (CommandName)f.GetValue(null)).ToList();
            Assert.That(names, Has.Count.GreaterThanOrEqualTo(15));
            foreach (CommandName name in names)
            {
                Assert.That(name.Opening, Is.EqualTo(Write(o => CommandWriter.Begin(o, name.Method))), name.Method);
                Assert.That(Write(o => CommandWriter.Command(o, name)), Is.EqualTo(name.Opening + "]);\n"), name.Method);
                Assert.That(OnlyCommand(name.Statement), Is.EqualTo(new object[] { name.Method }), name.Method);
            }
        }

        [TestCase(0)]
        [TestCase(1)]
        [TestCase(9)]
        [TestCase(10)]
        [TestCase(99)]
        [TestCase(-1)]
        [TestCase(-9)]
        [TestCase(int.MaxValue)]
        [TestCase(int.MinValue)]
        public void Integers_in_invariant_digits_whatever_their_size(int value)
        {
            Assert.That(Write(o => CommandWriter.Integer(o, value)), Is.EqualTo(", " + value.ToString(CultureInfo.InvariantCulture)));
        }

        [Test]
        public void A_value_of_a_type_the_tracker_cannot_take_is_refused_and_leaves_the_command_as_it_was()
        {
            var output = new CharBuffer(8);
            CommandWriter.Begin(output, "trackGoal");
            CommandWriter.Integer(output, 1);
            string before = output.ToString();
            foreach (object bad in new object[] { new object(), double.NaN, float.PositiveInfinity, new[] { 1 }, DateTime.MinValue })
            {
                Assert.That(CommandWriter.TryValue(output, bad, out string error), Is.False, Convert.ToString(bad));
                Assert.That(error, Does.StartWith("a "), "says what a value must be");
                Assert.That(output.ToString(), Is.EqualTo(before), "nothing written for " + Convert.ToString(bad));
                Assert.Throws<ArgumentException>(() => CommandWriter.Value(new CharBuffer(), bad));
            }
            Assert.That(CommandWriter.TryValue(output, 2.5m, out string none), Is.True);
            Assert.That(none, Is.Null);
            CommandWriter.End(output);
            Assert.That(OnlyCommand(output.ToString()), Is.EqualTo(new object[] { "trackGoal", 1.0, 2.5 }));
        }

        [Test]
        public void Tails_and_statements_made_once_are_the_same_as_written_argument_by_argument()
        {
            Assert.That(CommandWriter.Tail("visit"), Is.EqualTo(Write(o => { CommandWriter.String(o, "visit"); CommandWriter.End(o); })));
            Assert.That(CommandWriter.Tail(), Is.EqualTo("]);\n"));
            string statement = CommandWriter.Statement(CommandName.AppendToTrackingUrl, "new_visit=1", 2, true, null);
            Assert.That(statement, Is.EqualTo(Write(o =>
            {
                CommandWriter.Begin(o, "appendToTrackingUrl");
                CommandWriter.String(o, "new_visit=1");
                CommandWriter.Integer(o, 2);
                CommandWriter.Boolean(o, true);
                CommandWriter.String(o, null);
                CommandWriter.End(o);
            })));
            Assert.That(OnlyCommand(statement), Is.EqualTo(new object[] { "appendToTrackingUrl", "new_visit=1", 2.0, true, null }));
            Assert.That(Write(o =>
            {
                CommandWriter.Begin(o, CommandName.SetCustomVariable);
                CommandWriter.End(o, CommandWriter.Tail("page"));
            }), Is.EqualTo("_paq.push([\"setCustomVariable\", \"page\"]);\n"));
        }

        [Test]
        public void A_command_whose_first_element_is_code_goes_to_the_queue_named()
        {
            string script = Write(o =>
            {
                CommandWriter.BeginWith(o, "window._paq", "function () { window.called = this === window._paq; }");
                CommandWriter.End(o);
                CommandWriter.BeginWith(o, "window._paq", "1 > 0 ? " + JavaScriptEncoder.EncodeString("optUserOut") + " : \"x\"");
                CommandWriter.Expression(o, "u+" + JavaScriptEncoder.EncodeString("matomo.php"));
                CommandWriter.End(o);
            });
            Assert.That(script, Is.EqualTo("window._paq.push([function () { window.called = this === window._paq; }]);\n"
                                           + "window._paq.push([1 > 0 ? \"optUserOut\" : \"x\", u+\"matomo.php\"]);\n"));
            Engine engine = Run("var u = \"https://m.example/\";\n" + script);
            Assert.That(engine.Evaluate("typeof _paq[0][0]").AsString(), Is.EqualTo("function"));
            Assert.That(engine.Evaluate("_paq[1][0] + ' ' + _paq[1][1]").AsString(), Is.EqualTo("optUserOut https://m.example/matomo.php"));
        }

        [Test]
        public void The_tag_managers_object_form_is_the_object_it_receives()
        {
            string script = Write(o =>
            {
                CommandWriter.BeginObject(o, CommandWriter.TagManagerQueue);
                CommandWriter.PropertyExpression(o, true, "mtm.startTime", "(new Date().getTime())");
                CommandWriter.PropertyString(o, false, "event", "mtm.Start");
                CommandWriter.PropertyString(o, false, "</script>", "\"});");
                CommandWriter.EndObject(o);
            });
            Assert.That(script, Does.StartWith("_mtm.push({\"mtm.startTime\": (new Date().getTime()), \"event\": \"mtm.Start\", "));
            Engine engine = Run(script);
            Assert.That(engine.Evaluate("_mtm.length").AsNumber(), Is.EqualTo(1));
            Assert.That(engine.Evaluate("typeof _mtm[0]['mtm.startTime']").AsString(), Is.EqualTo("number"));
            Assert.That(engine.Evaluate("_mtm[0].event").AsString(), Is.EqualTo("mtm.Start"));
            Assert.That(engine.Evaluate("_mtm[0]['</script>']").AsString(), Is.EqualTo("\"});"));
        }

        [Test]
        public void Short_and_long_appends_and_slices_of_another_buffer_copy_exactly()
        {
            var expected = new System.Text.StringBuilder();
            var output = new CharBuffer(4);
            for (int length = 0; length <= 40; length++)
            {
                string piece = new string((char)('a' + length % 26), length) + (length > 0 ? "\u00e9" : "");
                output.Append(piece);
                expected.Append(piece);
            }
            Assert.That(output.ToString(), Is.EqualTo(expected.ToString()));

            var other = new CharBuffer(4);
            other.Append("0123456789");
            var slices = new CharBuffer(4);
            slices.Append(other, 0, 3).Append(other, 3, 0).Append(other, 7, 3).Append(other);
            Assert.That(slices.ToString(), Is.EqualTo("012789" + "0123456789"));
            Assert.Throws<ArgumentOutOfRangeException>(() => slices.Append(other, 8, 3), "beyond what was written");
            Assert.Throws<ArgumentOutOfRangeException>(() => slices.Append(other, -1, 1));
            slices.Truncate(3);
            Assert.That(slices.ToString(), Is.EqualTo("012"));
            Assert.Throws<ArgumentOutOfRangeException>(() => slices.Truncate(4));
        }
    }
}

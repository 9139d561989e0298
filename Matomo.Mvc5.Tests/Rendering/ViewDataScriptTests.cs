using System;
using System.Threading;
using Matomo.Mvc5.Rendering;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Rendering
{
    /// <summary>
    /// The per-thread buffer ViewData's entries are encoded into: each part comes out where the snippet puts it, a new
    /// read starts empty, and threads do not share it.
    /// </summary>
    public class ViewDataScriptTests
    {
        private static string Parts(ViewDataScript script)
        {
            var output = new CharBuffer(16);
            output.Append("V:");
            script.WriteVariables(output);
            output.Append("D:");
            script.WriteDimensions(output);
            output.Append("C:");
            script.WriteCommands(output);
            return output.ToString();
        }

        [Test]
        public void Each_part_is_written_alone_whichever_parts_are_empty()
        {
            ViewDataScript script = ViewDataScript.Start();
            script.EndVariables();
            script.Dimension(3, "x");
            script.EndDimensions();
            script.Command(new MatomoCommand("trackGoal", 1));
            Assert.That(Parts(script), Is.EqualTo("V:D:_paq.push([\"setCustomDimension\", 3, \"x\"]);\nC:_paq.push([\"trackGoal\", 1]);\n"));

            script = ViewDataScript.Start();
            script.Variable(1, "a", "b", CustomVariableScope.Visit);
            script.EndVariables();
            script.EndDimensions();
            Assert.That(Parts(script), Is.EqualTo("V:_paq.push([\"setCustomVariable\", 1, \"a\", \"b\", \"visit\"]);\nD:C:"));
            Assert.That(script.UserIdDecided, Is.False);
        }

        [Test]
        public void A_new_read_starts_empty_and_forgets_the_user_id()
        {
            ViewDataScript script = ViewDataScript.Start();
            script.Variable(1, "a", "b", CustomVariableScope.Page);
            script.EndVariables();
            script.Dimension(1, "d");
            script.EndDimensions();
            script.Command(new MatomoCommand("trackGoal", 1));
            script.SetUserId(null);
            Assert.That(script.UserIdDecided, Is.True);

            script = ViewDataScript.Start();
            script.EndVariables();
            script.EndDimensions();
            Assert.That(Parts(script), Is.EqualTo("V:D:C:"));
            Assert.That(script.UserIdDecided, Is.False);
            Assert.That(script.UserId, Is.Null);
        }

        [Test]
        public void Parts_out_of_order_are_a_defect_not_a_misplaced_command()
        {
            ViewDataScript script = ViewDataScript.Start();
            script.EndVariables();
            Assert.Throws<InvalidOperationException>(() => script.Variable(1, "a", "b", CustomVariableScope.Page));
            script.EndDimensions();
            Assert.Throws<InvalidOperationException>(() => script.Dimension(1, "d"));
        }

        [Test]
        public void Each_thread_has_its_own()
        {
            ViewDataScript mine = ViewDataScript.Start();
            mine.Variable(1, "mine", "x", CustomVariableScope.Page);
            ViewDataScript other = null;
            var thread = new Thread(() =>
            {
                other = ViewDataScript.Start();
                other.Variable(2, "other", "y", CustomVariableScope.Page);
                other.EndVariables();
            });
            thread.Start();
            thread.Join();
            mine.EndVariables();
            mine.EndDimensions();
            Assert.That(other, Is.Not.SameAs(mine));
            Assert.That(Parts(mine), Is.EqualTo("V:_paq.push([\"setCustomVariable\", 1, \"mine\", \"x\", \"page\"]);\nD:C:"));
        }
    }
}

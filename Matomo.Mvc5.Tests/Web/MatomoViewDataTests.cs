using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Web;
using System.Web.Mvc;
using System.Web.Routing;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Tests.Support;
using Moq;
using NUnit.Framework;
using static Matomo.Mvc5.Configuration.MatomoSettings;

namespace Matomo.Mvc5.Tests.Web
{
    /// <summary><see cref="MatomoViewData"/>: the ViewData and ViewBag entries the helper reads, in every accepted shape, and malformed ones named.</summary>
    public class MatomoViewDataTests : HelperRequest
    {
        // django-analytical: test_tag_with_custom_variables / default scope.
        [Test]
        public void Custom_variables_from_ViewBag_tuples_with_default_scope()
        {
            _viewData["matomo_vars"] = new object[]
            {
                Tuple.Create(1, "foo", "Sir Lancelot of Camelot"),
                Tuple.Create(2, "bar", "To seek the Holy Grail", "page"),
                Tuple.Create(3, "spam", "Blue", "visit"),
            };
            Assert.That(Render().Commands.Where(c => (string)c[0] == "setCustomVariable"), Is.EqualTo(new[]
            {
                new object[] { "setCustomVariable", 1, "foo", "Sir Lancelot of Camelot", "page" },
                new object[] { "setCustomVariable", 2, "bar", "To seek the Holy Grail", "page" },
                new object[] { "setCustomVariable", 3, "spam", "Blue", "visit" },
            }));
        }

        [Test]
        public void Custom_variables_in_every_accepted_shape()
        {
            var vars = new List<object>
            {
                new[] { Tuple.Create(1, "a", "b") }.Single(),
                (2, "c", "d"),
                (3, "e", "f", "VISIT"),
                new object[] { 4, "g", "h" },
                new object[] { 5L, "i", "j", "page" },
                new CustomVariable(6, "k", "l", CustomVariableScope.Visit),
                new List<object> { 7, "m", "n" },
            };
            _viewData["matomo_vars"] = vars;
            Assert.That(Render().Commands.Where(c => (string)c[0] == "setCustomVariable").Select(c => $"{c[1]}{c[2]}{c[3]}{c[4]}"),
                Is.EqualTo(new[] { "1abpage", "2cdpage", "3efvisit", "4ghpage", "5ijpage", "6klvisit", "7mnpage" }));
        }

        [Test]
        public void ViewBag_assignment_style_of_legacy_controllers()
        {
            dynamic viewBag = new DynamicViewBag(_viewData);
            viewBag.matomo_vars = new[] { Tuple.Create(1, "foo", "Sir Lancelot of Camelot") };
            viewBag.matomo_identity = "BDFL";
            Snippet s = Render();
            Assert.That(s.Single("setCustomVariable"), Is.EqualTo(new object[] { 1, "foo", "Sir Lancelot of Camelot", "page" }));
            Assert.That(s.Single("setUserId"), Is.EqualTo(new[] { "BDFL" }));
        }

        [TestCase("not a sequence", "is not a sequence")]
        [TestCase(42, "is not a sequence")]
        public void Malformed_vars_entry_is_named(object value, string what)
        {
            _viewData["matomo_vars"] = value;
            var e = Assert.Throws<MatomoViewDataException>(() => Render());
            Assert.That(e.Entry, Is.EqualTo("matomo_vars"));
            Assert.That(e.Message, Does.StartWith("ViewData[\"matomo_vars\"]").And.Contain(what));
        }

        private static IEnumerable<TestCaseData> BadVariables()
        {
            yield return new TestCaseData(Tuple.Create(1, "a"), "has 2 parts");
            yield return new TestCaseData(new object[] { 1, "a", "b", "page", "x" }, "has 5 parts");
            yield return new TestCaseData(new object[] { "1", "a", "b" }, "index \"1\" is not an integer");
            yield return new TestCaseData(new object[] { 0, "a", "b" }, "index 0");
            yield return new TestCaseData(new object[] { 1.5, "a", "b" }, "is not an integer");
            yield return new TestCaseData(Tuple.Create(1, "a", "b", "session"), "scope \"session\" is not");
            yield return new TestCaseData(new object[] { 1, null, "b" }, "name null is not a string");
            yield return new TestCaseData(new object[] { 1, "a", 5 }, "value 5");
            yield return new TestCaseData("abc", "not a tuple");
            yield return new TestCaseData(null, "not a tuple");
        }

        [TestCaseSource(nameof(BadVariables))]
        public void Malformed_variable_names_its_position_and_fault(object bad, string what)
        {
            _viewData["matomo_vars"] = new[] { Tuple.Create(1, "ok", "ok"), bad };
            var e = Assert.Throws<MatomoViewDataException>(() => Render());
            Assert.That(e.Message, Does.Contain("item 2").And.Contain(what));
        }

        [Test]
        public void Dimensions_from_a_dictionary_or_pairs()
        {
            _viewData["matomo_dimensions"] = new Dictionary<int, string> { { 1, "gold" }, { 4, "<b>" } };
            Assert.That(Render().Commands.Where(c => (string)c[0] == "setCustomDimension"),
                Is.EqualTo(new[] { new object[] { "setCustomDimension", 1, "gold" }, new object[] { "setCustomDimension", 4, "<b>" } }));
            _viewData["matomo_dimensions"] = new object[] { Tuple.Create(2, "a"), (3, "b"), new KeyValuePair<int, string>(5, "c"), new object[] { 6, null } };
            Assert.That(Render().Commands.Where(c => (string)c[0] == "setCustomDimension").Select(c => $"{c[1]}={c[2]}"),
                Is.EqualTo(new[] { "2=a", "3=b", "5=c", "6=" }));
        }

        [TestCase(new object[] { 0, "a" }, "id 0")]
        [TestCase(new object[] { "x", "a" }, "id \"x\"")]
        [TestCase(new object[] { 1, 2 }, "value 2")]
        [TestCase(new object[] { 1 }, "has 1 parts")]
        public void Malformed_dimension(object[] bad, string what)
        {
            _viewData["matomo_dimensions"] = new[] { bad };
            var e = Assert.Throws<MatomoViewDataException>(() => Render());
            Assert.That(e.Message, Does.Contain("matomo_dimensions").And.Contain("item 1").And.Contain(what));
        }

        [Test]
        public void Page_commands_for_404_tracking_and_events()
        {
            _viewData["matomo_commands"] = new object[]
            {
                new object[] { "setDocumentTitle", "404/URL = /missing?x=1/From = /home" },
                new MatomoCommand("trackEvent", "Video", "Play", "Intro", 3),
                new object[] { "setCustomUrl", null },
            };
            Snippet s = Render();
            Assert.That(s.CommandNames.Take(3), Is.EqualTo(new[] { "setDocumentTitle", "trackEvent", "setCustomUrl" }));
            Assert.That(s.Single("trackEvent"), Is.EqualTo(new object[] { "Video", "Play", "Intro", 3 }));
            Assert.That(s.CommandNames.IndexOf("setDocumentTitle"), Is.LessThan(s.CommandNames.IndexOf("trackPageView")));
        }

        [TestCase(new object[] { "alert(1);x" }, "not a plain JavaScript identifier")]
        [TestCase(new object[] { "trackEvent\n" }, "not a plain JavaScript identifier")]
        [TestCase(new object[] { "trackEvent", 1.0 / 0.0 }, "must be finite")]
        [TestCase(new object[] { "trackEvent", new int[0] }, "must be a string, a number, a boolean or null")]
        [TestCase(new object[] { 5, "x" }, "first part must be the method name")]
        public void Malformed_command(object[] bad, string what)
        {
            _viewData["matomo_commands"] = new[] { new object[] { "ok" }, bad };
            var e = Assert.Throws<MatomoViewDataException>(() => Render());
            Assert.That(e.Message, Does.Contain("matomo_commands").And.Contain("item 2").And.Contain(what));
        }

        private sealed class DynamicViewBag : System.Dynamic.DynamicObject
        {
            private readonly ViewDataDictionary _viewData;
            public DynamicViewBag(ViewDataDictionary viewData) { _viewData = viewData; }
            public override bool TrySetMember(System.Dynamic.SetMemberBinder binder, object value)
            {
                _viewData[binder.Name] = value;
                return true;
            }
        }
    }
}

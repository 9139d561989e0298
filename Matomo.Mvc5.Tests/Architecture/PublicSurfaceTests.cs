using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Matomo.Mvc5.Configuration;
using Matomo.Mvc5.Tests.EndToEnd;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Architecture
{
    /// <summary>
    /// The public surface is what README's architecture section lists, type for type: a type made public, moved to
    /// another namespace or taken away fails here until the list (and CHANGELOG) say so. What a view or controller
    /// uses is in <c>Matomo.Mvc5</c> (the namespace the package adds to every view); the advanced types are in the
    /// namespace of their folder.
    /// </summary>
    public class PublicSurfaceTests
    {
        private static string[] Exported() =>
            typeof(MatomoSettings).Assembly.GetExportedTypes().Where(t => !t.IsNested).Select(t => t.FullName).OrderBy(n => n, StringComparer.Ordinal).ToArray();

        /// <summary>The type names in backticks in README's "Public types" part, up to the next heading.</summary>
        private static string[] Listed()
        {
            string readme = File.ReadAllText(Path.Combine(SampleHost.Root, "README.md"));
            int start = readme.IndexOf("\n### Public types", StringComparison.Ordinal);
            Assert.That(start, Is.GreaterThan(0), "README.md has a '### Public types' part");
            int end = readme.IndexOf("\n#", start + 5, StringComparison.Ordinal);
            string part = end < 0 ? readme.Substring(start) : readme.Substring(start, end - start);
            string[] names = Regex.Matches(part, @"`(Matomo\.Mvc5(?:\.\w+)*)`").Cast<Match>().Select(m => m.Groups[1].Value).Distinct().ToArray();
            // A name that others continue (Matomo.Mvc5.Configuration in Matomo.Mvc5.Configuration.MatomoSettings) is a namespace.
            return names.Where(n => !names.Any(o => o.StartsWith(n + ".", StringComparison.Ordinal))).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        }

        [Test]
        public void Readme_lists_every_public_type_and_no_other()
        {
            string[] exported = Exported(), listed = Listed();
            Assert.That(exported.Except(listed), Is.Empty, "public but not in README's list");
            Assert.That(listed.Except(exported), Is.Empty, "in README's list but not public");
        }

        [Test]
        public void The_advanced_types_are_out_of_the_views_namespace()
        {
            string[] inViews = Exported().Where(n => n.LastIndexOf('.') == "Matomo.Mvc5".Length).ToArray();
            foreach (string advanced in new[] { "IpRangeList", "ClientAddressResolver", "MatomoSettings", "MatomoRenderer" })
                Assert.That(inViews, Has.None.EqualTo("Matomo.Mvc5." + advanced));
            Assert.That(typeof(MatomoViewData).GetMethods().Select(m => m.Name), Has.None.StartsWith("Read"), "ViewData reading is internal");
        }
    }
}

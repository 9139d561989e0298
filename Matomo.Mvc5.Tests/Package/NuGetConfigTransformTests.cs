using System.Xml.Linq;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Package
{
    /// <summary>The test helper that stands in for NuGet follows NuGet's documented merge rules.</summary>
    [TestFixture]
    public class NuGetConfigTransformTests
    {
        [Test]
        public void Merges_a_new_module_into_the_existing_modules_section_as_the_documentation_shows()
        {
            // The example of NuGet's "Transforming source code and configuration files", XML transforms.
            Assert.That(Install(
                    "<configuration><system.webServer><modules><add name='ContosoUtilities' type='Contoso.Utilities' /></modules></system.webServer></configuration>",
                    "<configuration><system.webServer><modules><add name='MyNuModule' type='Sample.MyNuModule' /></modules></system.webServer></configuration>"),
                Is.EqualTo(Xml("<configuration><system.webServer><modules><add name='ContosoUtilities' type='Contoso.Utilities' />" +
                               "<add name='MyNuModule' type='Sample.MyNuModule' /></modules></system.webServer></configuration>")));
        }

        [Test]
        public void Adds_missing_attributes_and_never_changes_existing_ones()
        {
            Assert.That(Install("<configuration><system.web><compilation debug='true' /></system.web></configuration>",
                                "<configuration><system.web><compilation targetFramework='4.8' /></system.web></configuration>"),
                Is.EqualTo(Xml("<configuration><system.web><compilation debug='true' targetFramework='4.8' /></system.web></configuration>")));
            Assert.That(Install("<configuration><system.web><compilation debug='true' /></system.web></configuration>",
                                "<configuration><system.web><compilation debug='false' /></system.web></configuration>"),
                Is.EqualTo(Xml("<configuration><system.web><compilation debug='true' /><compilation debug='false' /></system.web></configuration>")),
                "a conflicting element is added beside the existing one, which stays as it was");
        }

        [Test]
        public void Does_not_duplicate_an_element_that_is_already_there()
        {
            const string config = "<configuration><appSettings><add key='a' value='1' /><add key='b' value='' /></appSettings></configuration>";
            Assert.That(Install(config, "<configuration><appSettings><add key='b' value='' /></appSettings></configuration>"), Is.EqualTo(Xml(config)));
        }

        [Test]
        public void Puts_configSections_first()
        {
            Assert.That(Install("<configuration><appSettings /></configuration>",
                                "<configuration><configSections><section name='s' type='T' /></configSections></configuration>"),
                Is.EqualTo(Xml("<configuration><configSections><section name='s' type='T' /></configSections><appSettings /></configuration>")));
        }

        [Test]
        public void Copies_comments_inside_the_transform_on_every_install()
        {
            const string transform = "<configuration><!--c--><appSettings /></configuration>";
            string once = Install("<configuration><appSettings /></configuration>", transform);
            Assert.That(Install(once, transform), Is.EqualTo(Xml("<configuration><!--c--><!--c--><appSettings /></configuration>")));
        }

        [Test]
        public void Uninstall_removes_what_install_added_and_leaves_changed_elements()
        {
            const string transform = "<configuration><appSettings><add key='a' value='' /><add key='b' value='' /></appSettings></configuration>";
            XDocument config = XDocument.Parse("<configuration><appSettings><add key='x' value='1' /><add key='a' value='' /><add key='b' value='set' /></appSettings></configuration>");
            NuGetConfigTransform.Uninstall(config, XElement.Parse(transform));
            Assert.That(config.ToString(SaveOptions.DisableFormatting),
                Is.EqualTo(Xml("<configuration><appSettings><add key='x' value='1' /><add key='b' value='set' /></appSettings></configuration>")));
        }

        private static string Install(string config, string transform)
        {
            XDocument document = XDocument.Parse(config);
            NuGetConfigTransform.Install(document, XElement.Parse(transform));
            return document.ToString(SaveOptions.DisableFormatting);
        }

        private static string Xml(string xml) => XDocument.Parse(xml).ToString(SaveOptions.DisableFormatting);
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Xml.Linq;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Package
{
    /// <summary>
    /// The symbols package (.snupkg) that ./build.sh pack makes beside the .nupkg: the portable PDB of the packed DLL,
    /// whose SourceLink sends a debugger to the sources of the packed commit on GitHub, from a deterministic build
    /// (no path of the machine that built it).
    /// </summary>
    [TestFixture]
    public class SymbolsPackageTests
    {
        /// <summary>The custom debug information kind that holds the SourceLink JSON (Portable PDB specification).</summary>
        private static readonly Guid SourceLinkKind = new Guid("CC110556-A091-4D38-9FEC-25AB9A351A6A");

        /// <summary>Sources embedded in the PDB (generated files, which no commit holds).</summary>
        private static readonly Guid EmbeddedSourceKind = new Guid("0E8A571B-6926-466E-B4AD-8AB04611F5FE");

        private PackedPackage package;
        private byte[] dll;
        private byte[] pdb;

        [OneTimeSetUp]
        public void ReadPackages()
        {
            package = PackedPackage.Get();
            dll = PackedPackage.ReadBytes(package.Nupkg, "lib/net462/Matomo.Mvc5.dll");
            pdb = PackedPackage.ReadBytes(package.Snupkg, "lib/net462/Matomo.Mvc5.pdb");
        }

        [Test]
        public void Is_a_symbols_package_of_the_same_id_and_version_holding_the_PDB_only()
        {
            Assert.That(Path.GetFileName(package.Snupkg), Is.EqualTo(Path.GetFileNameWithoutExtension(package.Nupkg) + ".snupkg"));
            Assert.That(PackedPackage.Entries(package.Snupkg), Is.EqualTo(new[] { "Matomo.Mvc5.nuspec", "lib/net462/Matomo.Mvc5.pdb" }));
            XElement nuspec = XElement.Parse(PackedPackage.ReadText(package.Snupkg, "Matomo.Mvc5.nuspec"));
            XNamespace ns = nuspec.Name.Namespace;
            XElement metadata = nuspec.Element(ns + "metadata");
            Assert.That(metadata.Element(ns + "id").Value, Is.EqualTo("Matomo.Mvc5"));
            Assert.That(metadata.Element(ns + "version").Value, Is.EqualTo(PackedPackage.ManifestVersion));
            Assert.That(metadata.Descendants(ns + "packageType").Select(t => (string)t.Attribute("name")), Is.EqualTo(new[] { "SymbolsPackage" }));
        }

        [Test]
        public void The_PDB_is_the_one_the_packed_DLL_names()
        {
            using (var pe = new PEReader(new MemoryStream(dll)))
            using (MetadataReaderProvider provider = MetadataReaderProvider.FromPortablePdbStream(new MemoryStream(pdb)))
            {
                DebugDirectoryEntry codeView = pe.ReadDebugDirectory().Single(e => e.Type == DebugDirectoryEntryType.CodeView);
                CodeViewDebugDirectoryData data = pe.ReadCodeViewDebugDirectoryData(codeView);
                byte[] id = provider.GetMetadataReader().DebugMetadataHeader.Id.ToArray();
                Assert.That(new Guid(id.Take(16).ToArray()), Is.EqualTo(data.Guid), "PDB id");
                Assert.That(BitConverter.ToUInt32(id, 16), Is.EqualTo(codeView.Stamp), "PDB stamp");
                Assert.That(Path.GetFileName(data.Path), Is.EqualTo("Matomo.Mvc5.pdb"));
            }
        }

        [Test]
        public void The_build_is_deterministic_and_records_no_path_of_the_build_machine()
        {
            using (var pe = new PEReader(new MemoryStream(dll)))
            {
                DebugDirectoryEntry[] entries = pe.ReadDebugDirectory().ToArray();
                Assert.That(entries.Select(e => e.Type), Does.Contain(DebugDirectoryEntryType.Reproducible), "compiled with /deterministic");
                string pdbPath = pe.ReadCodeViewDebugDirectoryData(entries.Single(e => e.Type == DebugDirectoryEntryType.CodeView)).Path;
                Assert.That(pdbPath, Does.StartWith("/_/"), "ContinuousIntegrationBuild maps the repository to /_/");
            }
            string root = PackedPackage.RepositoryRoot;
            foreach (string document in Documents().Keys)
            {
                Assert.That(document, Does.StartWith("/_/"), "a source path of the PDB");
                Assert.That(document, Does.Not.Contain(root), "a source path of the PDB");
            }
            Assert.That(Encoding.UTF8.GetString(dll), Does.Not.Contain(root), "the DLL names no path of the build machine");
        }

        [Test]
        public void SourceLink_maps_every_source_to_the_packed_commit_on_GitHub()
        {
            string commit = PackageContentTests.GitHead();
            string json = SourceLinkJson();
            string expected = "{\"documents\":{\"/_/*\":\"https://raw.githubusercontent.com/matomo-mvc5/Matomo.Mvc5/" + commit + "/*\"}}";
            Assert.That(json.Replace(" ", "").Replace("\r", "").Replace("\n", ""), Is.EqualTo(expected));

            XElement nuspec = package.ReadNuspec();
            Assert.That((string)nuspec.Descendants(nuspec.Name.Namespace + "repository").Single().Attribute("commit"), Is.EqualTo(commit),
                "the package names the commit its SourceLink points at");

            // Each source is either in the repository at that commit (so SourceLink finds it) or embedded in the PDB.
            foreach (KeyValuePair<string, bool> document in Documents())
            {
                if (document.Value)
                    continue;
                string relative = document.Key.Substring("/_/".Length);
                Assert.That(Path.Combine(PackedPackage.RepositoryRoot, relative), Does.Exist, document.Key + " is neither in the repository nor embedded");
                Assert.That(relative, Does.Not.StartWith("Matomo.Mvc5/obj/"), document.Key + ": generated sources must be embedded");
            }
        }

        /// <summary>The PDB's source documents, each with whether its text is embedded in the PDB.</summary>
        private Dictionary<string, bool> Documents()
        {
            using (MetadataReaderProvider provider = MetadataReaderProvider.FromPortablePdbStream(new MemoryStream(pdb)))
            {
                MetadataReader reader = provider.GetMetadataReader();
                return reader.Documents.ToDictionary(
                    h => reader.GetString(reader.GetDocument(h).Name),
                    h => reader.GetCustomDebugInformation(h).Any(c => reader.GetGuid(reader.GetCustomDebugInformation(c).Kind) == EmbeddedSourceKind));
            }
        }

        private string SourceLinkJson()
        {
            using (MetadataReaderProvider provider = MetadataReaderProvider.FromPortablePdbStream(new MemoryStream(pdb)))
            {
                MetadataReader reader = provider.GetMetadataReader();
                CustomDebugInformation[] sourceLink = reader.GetCustomDebugInformation(EntityHandle.ModuleDefinition)
                    .Select(reader.GetCustomDebugInformation)
                    .Where(c => reader.GetGuid(c.Kind) == SourceLinkKind).ToArray();
                Assert.That(sourceLink, Has.Length.EqualTo(1), "the PDB holds SourceLink information");
                return Encoding.UTF8.GetString(reader.GetBlobBytes(sourceLink[0].Value));
            }
        }
    }
}

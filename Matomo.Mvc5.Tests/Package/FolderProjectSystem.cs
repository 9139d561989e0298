extern alias NuGetExe;

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Moq;
using Moq.Language.Flow;
using NuGetExe::NuGet.ProjectManagement;

namespace Matomo.Mvc5.Tests.Package
{
    /// <summary>
    /// The project system NuGet's packages.config code works through (<see cref="IMSBuildProjectSystem"/>, what Visual
    /// Studio implements over a .csproj), over a plain folder: files are read and written in the folder, assembly and
    /// framework references are kept in a list. Any call NuGet makes that is not implemented here fails the test.
    /// </summary>
    /// <remarks>
    /// A Moq mock rather than a class, because the interface cannot be implemented in C#: nuget.exe merges two copies
    /// of NuGet.Frameworks and renames one, so <see cref="IMSBuildProjectSystem.TargetFramework"/> is of a public type
    /// named <c>NuGet.Frameworks1305770.NuGetFramework</c>, which no C# source can name.
    /// </remarks>
    internal sealed class FolderProjectSystem
    {
        private readonly string folder;
        private readonly List<string> references = new List<string>();
        private readonly List<string> frameworkReferences = new List<string>();

        public FolderProjectSystem(string folder, string targetFramework)
        {
            this.folder = Path.GetFullPath(folder);
            var mock = new Mock<IMSBuildProjectSystem>(MockBehavior.Strict);

            // NuGetFramework.Parse, found through the property's type (see the remarks).
            Type frameworkType = typeof(IMSBuildProjectSystem).GetProperty(nameof(IMSBuildProjectSystem.TargetFramework)).PropertyType;
            object framework = frameworkType.GetMethod("Parse", new[] { typeof(string) }).Invoke(null, new object[] { targetFramework });
            Returns(mock.Setup(p => p.TargetFramework), framework);

            mock.Setup(p => p.ProjectName).Returns("Site");
            mock.Setup(p => p.ProjectUniqueName).Returns("Site");
            mock.Setup(p => p.ProjectFullPath).Returns(this.folder);
            mock.Setup(p => p.ProjectFileFullPath).Returns(Path.Combine(this.folder, "Site.csproj"));
            mock.SetupProperty(p => p.NuGetProjectContext);

            mock.Setup(p => p.AddFile(It.IsAny<string>(), It.IsAny<Stream>())).Callback<string, Stream>(AddFile);
            mock.Setup(p => p.AddExistingFile(It.IsAny<string>()));
            mock.Setup(p => p.RemoveFile(It.IsAny<string>())).Callback<string>(path => File.Delete(FullPath(path)));
            mock.Setup(p => p.FileExistsInProject(It.IsAny<string>())).Returns<string>(path => File.Exists(FullPath(path)));
            mock.Setup(p => p.ResolvePath(It.IsAny<string>())).Returns<string>(path => path);
            mock.Setup(p => p.IsSupportedFile(It.IsAny<string>())).Returns(true);
            mock.Setup(p => p.RegisterProcessedFiles(It.IsAny<IEnumerable<string>>()));
            mock.Setup(p => p.GetFiles(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<bool>())).Returns<string, string, bool>(GetFiles);
            mock.Setup(p => p.GetDirectories(It.IsAny<string>())).Returns<string>(GetDirectories);
            mock.Setup(p => p.DeleteDirectory(It.IsAny<string>(), It.IsAny<bool>()))
                .Callback<string, bool>((path, recursive) => Directory.Delete(FullPath(path), recursive));

            mock.Setup(p => p.AddReferenceAsync(It.IsAny<string>())).Returns<string>(path =>
            {
                references.Add(Path.GetFileName(path));
                return Task.CompletedTask;
            });
            mock.Setup(p => p.RemoveReferenceAsync(It.IsAny<string>())).Returns<string>(name =>
            {
                references.Remove(name);
                return Task.CompletedTask;
            });
            mock.Setup(p => p.ReferenceExistsAsync(It.IsAny<string>()))
                .Returns<string>(name => Task.FromResult(references.Contains(name) || frameworkReferences.Contains(name)));
            mock.Setup(p => p.AddFrameworkReferenceAsync(It.IsAny<string>(), It.IsAny<string>())).Returns<string, string>((name, packageId) =>
            {
                frameworkReferences.Add(name);
                return Task.CompletedTask;
            });
            // Content files may hold $property$ tokens; a site has no property that this package asks for.
            mock.Setup(p => p.GetPropertyValue(It.IsAny<string>())).Returns((object)null);

            Object = mock.Object;
        }

        /// <summary>The project system to hand to NuGet.</summary>
        public IMSBuildProjectSystem Object { get; }

        /// <summary>The assembly references NuGet has added (file names) and not removed.</summary>
        public IReadOnlyList<string> References => references;

        /// <summary>The framework assembly references NuGet has added (it never removes them).</summary>
        public IReadOnlyList<string> FrameworkReferences => frameworkReferences;

        private static void Returns<T>(ISetup<IMSBuildProjectSystem, T> setup, object value) => setup.Returns((T)value);

        private string FullPath(string path) => Path.Combine(folder, path.Replace('\\', Path.DirectorySeparatorChar));

        private string Relative(string fullPath) => fullPath.Substring(folder.Length).TrimStart(Path.DirectorySeparatorChar);

        private void AddFile(string path, Stream content)
        {
            string full = FullPath(path);
            Directory.CreateDirectory(Path.GetDirectoryName(full));
            using (FileStream file = File.Create(full))
                content.CopyTo(file);
        }

        private IEnumerable<string> GetFiles(string path, string filter, bool recursive)
        {
            string full = FullPath(path);
            if (!Directory.Exists(full))
                return Enumerable.Empty<string>();
            return Directory.GetFiles(full, filter, recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly).Select(Relative).ToList();
        }

        private IEnumerable<string> GetDirectories(string path)
        {
            string full = FullPath(path);
            return Directory.Exists(full) ? Directory.GetDirectories(full).Select(Relative).ToList() : new List<string>();
        }
    }
}

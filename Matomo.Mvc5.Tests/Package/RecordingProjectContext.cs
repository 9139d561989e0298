extern alias NuGetExe;

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Xml.Linq;
using NuGetExe::NuGet.Common;
using NuGetExe::NuGet.Configuration;
using NuGetExe::NuGet.Packaging;
using NuGetExe::NuGet.Packaging.Signing;
using NuGetExe::NuGet.ProjectManagement;
using ExecutionContext = NuGetExe::NuGet.ProjectManagement.ExecutionContext;

namespace Matomo.Mvc5.Tests.Package
{
    /// <summary>
    /// The context NuGet reports to while it installs or uninstalls a package (Visual Studio's output window): it keeps
    /// every message, so that a test can see the warnings and errors. NuGet catches a failed transform on uninstall and
    /// only logs it as a warning, so the warnings matter. File conflicts are answered "ignore", as Visual Studio's
    /// default does in non-interactive installs.
    /// </summary>
    internal sealed class RecordingProjectContext : INuGetProjectContext
    {
        private readonly List<string> messages = new List<string>();
        private readonly List<string> problems = new List<string>();

        public RecordingProjectContext()
        {
            PackageExtractionContext = new PackageExtractionContext(PackageSaveMode.Defaultv2, XmlDocFileSaveMode.None,
                ClientPolicyContext.GetClientPolicy(NullSettings.Instance, NullLogger.Instance), NullLogger.Instance);
        }

        /// <summary>Every message, in order, as "[level] text".</summary>
        public IReadOnlyList<string> Messages => messages;

        /// <summary>The warnings and errors, in order.</summary>
        public IReadOnlyList<string> Problems => problems;

        public PackageExtractionContext PackageExtractionContext { get; set; }

        public ISourceControlManagerProvider SourceControlManagerProvider => null;

        public ExecutionContext ExecutionContext => null;

        public XDocument OriginalPackagesConfig { get; set; }

        public NuGetActionType ActionType { get; set; }

        public Guid OperationId { get; set; }

        public void Log(MessageLevel level, string message, params object[] args)
        {
            Record(level == MessageLevel.Warning || level == MessageLevel.Error, level.ToString(),
                args == null || args.Length == 0 ? message : string.Format(CultureInfo.InvariantCulture, message, args));
        }

        public void Log(ILogMessage message) =>
            Record(message.Level >= LogLevel.Warning, message.Level.ToString(), message.Message);

        public void ReportError(string message) => Record(true, "Error", message);

        public void ReportError(ILogMessage message) => Record(true, "Error", message.Message);

        public FileConflictAction ResolveFileConflict(string message)
        {
            Record(true, "Conflict", message);
            return FileConflictAction.IgnoreAll;
        }

        /// <summary>Forgets the problems seen so far (the messages stay).</summary>
        public void ClearProblems() => problems.Clear();

        private void Record(bool problem, string level, string text)
        {
            string line = "[" + level + "] " + text;
            messages.Add(line);
            if (problem)
                problems.Add(line);
        }
    }
}

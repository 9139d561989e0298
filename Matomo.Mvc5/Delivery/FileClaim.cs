using System;
using System.IO;
using System.Runtime.InteropServices;

namespace Matomo.Mvc5.Delivery
{
    /// <summary>
    /// Takes a file by renaming it, so that of several processes (or threads) renaming the same file at the same moment
    /// exactly one succeeds: the claim that the spool's take-over and the replay of rejected hits rest on.
    /// <para>On Unix this is rename(2), which removes the old name in the same step. Mono's <see cref="File.Move(string, string)"/>
    /// cannot serve: so as not to replace an existing target, it links the new name and then unlinks the old one, and
    /// two processes that both link before either unlinks both succeed (four threads renaming one file at once: two
    /// or more succeeded in 394 of 500 rounds on Mono 6.8; with rename(2), in none). On Windows, File.Move is
    /// MoveFileEx, atomic, and fails once the file is gone.</para>
    /// <para>The new name must be the caller's own: rename(2) replaces a file already there.</para>
    /// </summary>
    internal static class FileClaim
    {
        private static readonly bool Unix = Path.DirectorySeparatorChar == '/';
        private static bool _noLibc;

        /// <summary>Renames <paramref name="path"/> to <paramref name="newPath"/>; false when it is not there any more
        /// (another process took it) or cannot be renamed. Never throws for a file system error.</summary>
        public static bool TryTake(string path, string newPath)
        {
            if (Unix && !_noLibc)
            {
                try { return Rename(path, newPath) == 0; }
                catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
                {
                    _noLibc = true; // a runtime without libc's rename: File.Move, the best there is
                }
            }
            try
            {
                File.Move(path, newPath);
                return true;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return false;
            }
        }

        [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
        private static extern int Rename(string oldPath, string newPath);
    }
}

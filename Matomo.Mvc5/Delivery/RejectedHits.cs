using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;

namespace Matomo.Mvc5.Delivery
{
    /// <summary>
    /// The outbox's dead letters. A hit Matomo refuses is kept, not deleted: appended to <c>OWNER.rejected</c> in the
    /// spool folder, in the spool's record format, so that the site can send it again once the cause is fixed (when
    /// Matomo refuses every hit, the cause is a setting: most often a token without write access to the site, or a
    /// wrong site id). Bounded by a byte limit per process; beyond it, refused hits are counted and not kept.
    /// <para>A replay is asked for by writing <c>replay-rejected.request</c> in the folder (from any process); each
    /// process sees it at its next check and takes its own file and the files of processes no longer running, each by
    /// renaming it to <c>ME.replaying-ID</c> (one process wins each), and hands their hits back to its spool, oldest
    /// first, with the times they were first accepted. A claimed file is deleted once its hits are in the spool; one a
    /// process left claimed when it died is taken again by the next replay (its hits may then come twice).</para>
    /// <para>Used by the outbox's sender thread only.</para>
    /// </summary>
    internal sealed class RejectedHits
    {
        internal const string Suffix = ".rejected", ClaimedInfix = ".replaying-", RequestFile = "replay-rejected.request";

        private readonly string _folder, _me, _path;
        private readonly long _maxBytes;
        private readonly Func<string, bool> _isAlive;
        private readonly MemoryStream _encoded = new MemoryStream();
        private readonly Dictionary<string, KeyValuePair<long, long>> _counts = new Dictionary<string, KeyValuePair<long, long>>(StringComparer.Ordinal);
        /// <summary>This process's file: its bytes and hits, known as it writes them (never read back to be counted).</summary>
        private long _bytes, _ownKept;
        private long _othersKept, _droppedFull;
        private DateTime _lastRequest;

        /// <param name="folder">The spool folder.</param>
        /// <param name="me">This process's name in it (<see cref="Spool.Me"/>).</param>
        /// <param name="maxBytes">The most this process's file may hold.</param>
        /// <param name="isAlive">Whether a process (by its name) still runs: its files are its own.</param>
        public RejectedHits(string folder, string me, long maxBytes, Func<string, bool> isAlive)
        {
            _folder = folder;
            _me = me;
            _path = Path.Combine(folder, me + Suffix);
            _maxBytes = maxBytes;
            _isAlive = isAlive;
            _lastRequest = RequestTime(); // a request made before this process started was for the processes of then
            Recount();
        }

        /// <summary>Hits kept in the folder's rejected files (every process's), as of the last <see cref="Recount"/>.</summary>
        public long Kept => Interlocked.Read(ref _ownKept) + Interlocked.Read(ref _othersKept);

        /// <summary>Refused hits this process could not keep: its file was full (or the disk refused the write).</summary>
        public long DroppedFull => Interlocked.Read(ref _droppedFull);

        /// <summary>Torn or corrupt stretches met in rejected files while replaying.</summary>
        public long Torn { get; private set; }

        /// <summary>Keeps the hits <paramref name="indices"/> of <paramref name="hits"/> (all from <paramref name="start"/>
        /// when null, <paramref name="count"/> of them); returns how many were kept. Never throws.</summary>
        public int Keep(IReadOnlyList<TrackingHit> hits, int start, int count, IEnumerable<int> indices = null)
        {
            IEnumerable<int> which = indices ?? Enumerable.Range(0, count);
            _encoded.SetLength(0);
            int kept = 0, refused = 0;
            foreach (int i in which)
            {
                if (i < 0 || i >= count) continue;
                refused++;
                long before = _encoded.Length;
                if (!SpoolRecord.Write(_encoded, hits[start + i])) continue;
                if (_bytes + _encoded.Length > _maxBytes)
                {
                    _encoded.SetLength(before);
                    continue;
                }
                kept++;
            }
            try
            {
                if (_encoded.Length > 0)
                {
                    using (var file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 4096))
                        file.Write(_encoded.GetBuffer(), 0, (int)_encoded.Length);
                    _bytes += _encoded.Length;
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                kept = 0;
            }
            Interlocked.Add(ref _droppedFull, refused - kept);
            Interlocked.Add(ref _ownKept, kept);
            return kept;
        }

        /// <summary>Asks every process that shares <paramref name="folder"/> to send its kept rejected hits again.</summary>
        public static void RequestReplay(string folder)
        {
            Directory.CreateDirectory(folder);
            string path = Path.Combine(folder, RequestFile);
            File.WriteAllText(path, DateTime.UtcNow.ToString("o", System.Globalization.CultureInfo.InvariantCulture));
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        }

        /// <summary>True once for each replay asked for since the last call (or since this process started).</summary>
        public bool ReplayRequested()
        {
            DateTime asked = RequestTime();
            if (asked <= _lastRequest) return false;
            _lastRequest = asked;
            return true;
        }

        /// <summary>Claims this process's file and those no running process owns; returns their hits, oldest first, and
        /// the claimed files to pass to <see cref="Done"/> once the hits are in the spool.</summary>
        public List<TrackingHit> Take(out List<string> claimed)
        {
            claimed = new List<string>();
            var hits = new List<TrackingHit>();
            foreach (string file in Files())
            {
                string name = Path.GetFileName(file), owner = Owner(name);
                if (owner != _me && _isAlive(owner)) continue;
                string to = Path.Combine(_folder, _me + ClaimedInfix + Guid.NewGuid().ToString("N").Substring(0, 12));
                if (!FileClaim.TryTake(file, to)) continue; // another process took it
                if (file == _path)
                {
                    _bytes = 0;
                    Interlocked.Exchange(ref _ownKept, 0);
                }
                claimed.Add(to);
                try
                {
                    hits.AddRange(SpoolRecord.ReadAll(File.ReadAllBytes(to), out int torn));
                    Torn += torn;
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    claimed.Remove(to); // left claimed: the next replay takes it again
                }
            }
            return hits.OrderBy(h => h.AcceptedUtcTicks).ToList();
        }

        /// <summary>Deletes the claimed files (their hits are in the spool) and counts again.</summary>
        public void Done(List<string> claimed)
        {
            foreach (string file in claimed)
            {
                try { File.Delete(file); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
            Recount();
        }

        /// <summary>Counts the hits in the other processes' rejected files again (reading only the files whose length
        /// changed; this process's own count is kept as it writes).</summary>
        public void Recount()
        {
            long total = 0;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (string file in Files())
            {
                if (file == _path) continue;
                seen.Add(file);
                try
                {
                    long length = new FileInfo(file).Length;
                    if (!_counts.TryGetValue(file, out KeyValuePair<long, long> known) || known.Key != length)
                        _counts[file] = known = new KeyValuePair<long, long>(length, SpoolRecord.ReadAll(File.ReadAllBytes(file), out _).Count);
                    total += known.Value;
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
            }
            foreach (string gone in _counts.Keys.Where(k => !seen.Contains(k)).ToList()) _counts.Remove(gone);
            Interlocked.Exchange(ref _othersKept, total);
        }

        private IEnumerable<string> Files()
        {
            try
            {
                return Directory.GetFiles(_folder)
                    .Where(f => { string n = Path.GetFileName(f); return n.EndsWith(Suffix, StringComparison.Ordinal) || n.Contains(ClaimedInfix); })
                    .OrderBy(f => f, StringComparer.Ordinal).ToList();
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return new string[0]; }
        }

        private static string Owner(string name) => name.Substring(0, Math.Max(0, name.IndexOf('.')));

        private DateTime RequestTime()
        {
            try
            {
                string path = Path.Combine(_folder, RequestFile);
                return File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.MinValue;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return DateTime.MinValue; }
        }
    }
}

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Matomo.Mvc5.Delivery
{
    /// <summary>
    /// The outbox's append-only spool in a folder that several processes share. Each process (an "owner", named
    /// <c>p&lt;pid&gt;-&lt;random&gt;</c>) writes its own segment files (<c>OWNER.SEQ.seg</c>) and its read position
    /// (<c>OWNER.pos</c>), renews its lease (<c>OWNER.lease</c>, by its modification time) and marks what it holds
    /// (<c>OWNER.held-by-HOLDER</c>). A process whose holder's lease is older than the lease timeout is taken over by
    /// renaming its marker with <see cref="FileClaim"/>: of the processes that look at once, one succeeds (file locks
    /// do not hold across processes on Mono, and its File.Move lets two succeed). The delivering side reads from its committed position, so a process killed at any moment
    /// leaves every uncommitted hit to whoever takes over.
    /// </summary>
    internal sealed class Spool : IDisposable
    {
        internal const string SegmentSuffix = ".seg", LeaseSuffix = ".lease", PositionSuffix = ".pos", HeldBy = ".held-by-";

        private readonly object _gate = new object();
        private readonly OutboxOptions _options;
        private readonly string _folder;
        private readonly Owner _own;
        /// <summary>Adopted owners first (oldest first), this process's own last: the order in which they are delivered.</summary>
        private readonly List<Owner> _held = new List<Owner>();
        private readonly MemoryStream _encoded = new MemoryStream();
        private byte[] _readBuffer = new byte[256 * 1024];
        private FileStream _writer;
        private Segment _active;
        private Owner _inFlight;
        private long _heldBytes, _othersBytes;
        private bool _disposed, _stolenLogged;

        public Spool(OutboxOptions options)
        {
            _options = options;
            _folder = Path.GetFullPath(options.SpoolFolder);
            Directory.CreateDirectory(_folder);
            Me = "p" + Process.GetCurrentProcess().Id.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N").Substring(0, 12);
            Touch(LeasePath(Me));
            File.WriteAllBytes(MarkerPath(Me, Me), new byte[0]);
            _own = new Owner(Me, own: true) { CursorSeq = 1 };
            _own.Position = OpenPosition(Me);
            _held.Add(_own);
            StartSegment(1);
            Heartbeat();
        }

        /// <summary>This process's name in the folder.</summary>
        public string Me { get; }

        /// <summary>Whether the process named <paramref name="id"/> in the folder still runs (this one, or a lease renewed
        /// within the lease timeout).</summary>
        public bool IsAlive(string id)
        {
            if (id == Me) return true;
            try
            {
                string lease = LeasePath(id);
                return File.Exists(lease) && DateTime.UtcNow - File.GetLastWriteTimeUtc(lease) < _options.LeaseTimeout;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return true; }
        }

        /// <summary>The folder (full path).</summary>
        public string Folder => _folder;

        /// <summary>Hits on disk not yet delivered, in every spool this process holds.</summary>
        public long Waiting { get { lock (_gate) return _held.Sum(o => o.Waiting); } }

        /// <summary>Bytes of the segments this process holds.</summary>
        public long HeldBytes { get { lock (_gate) return _heldBytes; } }

        /// <summary>Hits dropped because the spool was full (the oldest go first).</summary>
        public long DroppedFull { get; private set; }

        /// <summary>Torn or corrupt stretches skipped (each may have held one hit or more).</summary>
        public long Torn { get; private set; }

        /// <summary>Hits too long to be recorded.</summary>
        public long DroppedTooLong { get; private set; }

        /// <summary>Hits lost because the disk refused a write.</summary>
        public long DroppedWriteFailed { get; private set; }

        /// <summary>The last write error (type and message), or null.</summary>
        public string LastWriteError { get; private set; }

        /// <summary>Owners taken over from dead processes.</summary>
        public long Adopted { get; private set; }

        /// <summary>Writes the hits at the end of this process's segment and hands them to the operating system (and the
        /// disk with <see cref="OutboxOptions.Fsync"/>). When the spool is full, the oldest waiting segments are dropped.</summary>
        public void Append(IReadOnlyList<TrackingHit> hits)
        {
            lock (_gate)
            {
                if (_disposed || hits.Count == 0) return;
                _encoded.SetLength(0);
                int written = 0;
                foreach (TrackingHit hit in hits)
                    if (SpoolRecord.Write(_encoded, hit)) written++;
                    else DroppedTooLong++;
                if (written == 0) return;
                long bytes = _encoded.Length;
                if (_active.Length > 0 && _active.Length + bytes > _options.SegmentBytes) Roll();
                while (_heldBytes + _othersBytes + bytes > _options.MaxSpoolBytes && DropOldest()) { }
                if (_heldBytes + _othersBytes + bytes > _options.MaxSpoolBytes)
                {
                    // Nothing older left to drop (the spool holds only what is being sent): these are the oldest waiting.
                    DroppedFull += written;
                    return;
                }
                try
                {
                    _writer.Write(_encoded.GetBuffer(), 0, (int)bytes);
                    _writer.Flush(_options.Fsync);
                }
                catch (IOException e)
                {
                    // A full or failing disk: what reached the file is a torn tail; later hits go to a new segment.
                    DroppedWriteFailed += written;
                    LastWriteError = e.GetType().Name + ": " + e.Message;
                    long before = _active.Length;
                    try { _active.Length = new FileInfo(_active.Path).Length; } catch (IOException) { }
                    _heldBytes += _active.Length - before;
                    try { Roll(); } catch (IOException) { }
                    return;
                }
                _active.Length += bytes;
                _active.Remaining += written;
                _own.Waiting += written;
                _heldBytes += bytes;
            }
        }

        /// <summary>
        /// Up to <paramref name="max"/> hits from the committed position of the first owner that has any, from one
        /// segment. Torn stretches met first are skipped (and the position moved past them); one met after hits ends
        /// the batch. Returns null when nothing waits.
        /// </summary>
        public Batch Read(int max)
        {
            lock (_gate)
            {
                if (_disposed) return null;
                for (int i = 0; i < _held.Count; i++)
                {
                    Owner owner = _held[i];
                    Batch batch = ReadFrom(owner, max);
                    if (batch != null)
                    {
                        _inFlight = owner;
                        return batch;
                    }
                    if (!owner.Own && owner.Segments.Count == 0)
                    {
                        Finish(owner);
                        i--;
                    }
                }
                return null;
            }
        }

        /// <summary>Moves the position past the first <paramref name="count"/> hits of the batch (delivered or given up).</summary>
        public void Commit(Batch batch, int count)
        {
            if (count <= 0) return;
            lock (_gate)
            {
                Owner owner = batch.Owner;
                Segment segment = owner.Segments.FirstOrDefault(s => s.Seq == batch.Seq);
                if (segment == null || _disposed) return; // dropped meanwhile (counted there)
                long end = batch.Ends[count - 1];
                if (owner.CursorSeq != batch.Seq || owner.CursorOffset > end) return;
                owner.CursorOffset = end;
                segment.Remaining -= count;
                owner.Waiting -= count;
                SavePosition(owner);
            }
        }

        /// <summary>The sender is done with its batch (the oldest segment may be dropped again).</summary>
        public void EndBatch()
        {
            lock (_gate) _inFlight = null;
        }

        /// <summary>Renews this process's lease, takes over the spools of dead processes, and re-reads what the others hold.</summary>
        public void Heartbeat()
        {
            lock (_gate)
            {
                if (_disposed) return;
                Touch(LeasePath(Me));
                if (!_stolenLogged && !File.Exists(MarkerPath(Me, Me)))
                {
                    // This process stalled for longer than the lease and another took its spool over: what it was
                    // sending may arrive twice. It goes on writing; the other delivers what it found.
                    _stolenLogged = true;
                    _options.Log("Matomo.Mvc5 outbox: another process took over this process's spool (it stalled for longer than the lease of "
                        + _options.LeaseTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s); hits it was sending may arrive twice.");
                }
                string[] files;
                try { files = Directory.GetFiles(_folder); }
                catch (IOException) { return; }
                var heldNames = new HashSet<string>(_held.Select(o => o.Id), StringComparer.Ordinal);
                foreach (string marker in files)
                {
                    string name = Path.GetFileName(marker);
                    int at = name.IndexOf(HeldBy, StringComparison.Ordinal);
                    if (at <= 0) continue;
                    string owner = name.Substring(0, at), holder = name.Substring(at + HeldBy.Length);
                    if (holder == Me || heldNames.Contains(owner)) continue;
                    if (IsAlive(holder)) continue;
                    if (!FileClaim.TryTake(marker, MarkerPath(owner, Me))) continue; // another process took it first
                    try
                    {
                        Adopt(owner);
                    }
                    catch (IOException)
                    {
                        // Its files are busy (another spool of this same process holds them open, as in a web garden
                        // of one): the marker goes back to the dead holder, and a later heartbeat tries again.
                        FileClaim.TryTake(MarkerPath(owner, Me), marker);
                        continue;
                    }
                    heldNames.Add(owner);
                }
                long others = 0;
                foreach (string file in files)
                {
                    if (!file.EndsWith(SegmentSuffix, StringComparison.Ordinal)) continue;
                    string name = Path.GetFileName(file);
                    if (heldNames.Contains(name.Substring(0, name.IndexOf('.')))) continue;
                    try { others += new FileInfo(file).Length; } catch (IOException) { }
                }
                _othersBytes = others;
            }
        }

        /// <summary>
        /// Closes the files. <paramref name="release"/>: gives up the lease at once, so that the next process takes over
        /// what is left without waiting (what a normal shutdown does); an empty own spool is removed. Without it, the
        /// files stay as a killed process leaves them.
        /// </summary>
        public void Close(bool release)
        {
            lock (_gate)
            {
                if (_disposed) return;
                _disposed = true;
                _writer?.Dispose();
                foreach (Owner owner in _held)
                {
                    owner.Position?.Dispose();
                    foreach (Segment s in owner.Segments) s.Reader?.Dispose();
                }
                if (!release) return;
                if (_own.Waiting == 0)
                {
                    foreach (Segment s in _own.Segments) TryDelete(s.Path);
                    TryDelete(PositionPath(Me));
                    TryDelete(MarkerPath(Me, Me));
                }
                TryDelete(LeasePath(Me));
            }
        }

        public void Dispose() => Close(release: true);

        private Batch ReadFrom(Owner owner, int max)
        {
            while (true)
            {
                Segment segment = owner.Segments.FirstOrDefault(s => s.Seq >= owner.CursorSeq);
                if (segment == null) return null;
                if (segment.Seq != owner.CursorSeq)
                {
                    owner.CursorSeq = segment.Seq;
                    owner.CursorOffset = 0;
                }
                // Segments before the position are delivered.
                while (owner.Segments[0] != segment) RemoveSegment(owner, owner.Segments[0]);
                long end = segment.Length;
                if (owner.CursorOffset >= end)
                {
                    if (segment == _active) return null;
                    RemoveSegment(owner, segment);
                    owner.CursorSeq = segment.Seq + 1;
                    owner.CursorOffset = 0;
                    SavePosition(owner);
                    continue;
                }
                int count = (int)Math.Min(end - owner.CursorOffset, _readBuffer.Length);
                if (segment.Reader == null) segment.Reader = new FileStream(segment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096);
                segment.Reader.Position = owner.CursorOffset;
                int read = 0;
                while (read < count)
                {
                    int n = segment.Reader.Read(_readBuffer, read, count - read);
                    if (n <= 0) break;
                    read += n;
                }
                if (read < count && segment != _active)
                {
                    // The file is shorter than it was (cut by hand or by a failing disk): it ends where reading ended.
                    _heldBytes -= segment.Length - (owner.CursorOffset + read);
                    segment.Length = end = owner.CursorOffset + read;
                    if (read == 0) continue;
                }
                bool toEnd = owner.CursorOffset + read >= end;
                var batch = new Batch(owner, segment.Seq);
                int p = 0;
                while (p < read && batch.Hits.Count < max)
                {
                    SpoolRecord.Outcome outcome = SpoolRecord.TryRead(_readBuffer, p, read, out TrackingHit hit, out int length);
                    if (outcome == SpoolRecord.Outcome.Record)
                    {
                        p += length;
                        batch.Hits.Add(hit);
                        batch.Ends.Add(owner.CursorOffset + p);
                        continue;
                    }
                    if (outcome == SpoolRecord.Outcome.Incomplete && !toEnd)
                    {
                        if (p == 0) GrowReadBuffer();
                        break;
                    }
                    // Corrupt here, or incomplete at the end of a file nobody writes any more: a torn stretch.
                    if (batch.Hits.Count > 0) break;
                    int next = SpoolRecord.FindMagic(_readBuffer, p + 1, read);
                    int skip = next >= 0 ? next : (toEnd ? read : Math.Max(p + 1, read - 3));
                    Torn++;
                    owner.CursorOffset += skip;
                    SavePosition(owner);
                    batch = null;
                    break;
                }
                if (batch == null) continue; // skipped a torn stretch: read on from after it
                if (batch.Hits.Count > 0) return batch;
                if (p == 0 && !toEnd) continue; // the buffer grew
                return null;
            }
        }

        private void GrowReadBuffer()
        {
            if (_readBuffer.Length < 2 * (SpoolRecord.MaxPayload + SpoolRecord.HeaderLength)) _readBuffer = new byte[_readBuffer.Length * 4];
        }

        private void Roll()
        {
            _writer.Dispose();
            StartSegment(_active.Seq + 1);
        }

        private void StartSegment(long seq)
        {
            string path = SegmentPath(Me, seq);
            _writer = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 4096);
            _active = new Segment(seq, path);
            _own.Segments.Add(_active);
        }

        /// <summary>Drops the oldest segment not being sent; false if there is none.</summary>
        private bool DropOldest()
        {
            foreach (Owner owner in _held)
                foreach (Segment segment in owner.Segments)
                {
                    if (segment == _active) continue;
                    if (_inFlight == owner && segment.Seq == owner.CursorSeq) continue;
                    DroppedFull += segment.Remaining;
                    owner.Waiting -= segment.Remaining;
                    if (owner.CursorSeq == segment.Seq)
                    {
                        owner.CursorSeq = segment.Seq + 1;
                        owner.CursorOffset = 0;
                        SavePosition(owner);
                    }
                    RemoveSegment(owner, segment);
                    return true;
                }
            return false;
        }

        private void RemoveSegment(Owner owner, Segment segment)
        {
            segment.Reader?.Dispose();
            owner.Segments.Remove(segment);
            _heldBytes -= segment.Length;
            TryDelete(segment.Path);
        }

        /// <summary>Takes over a dead process's spool (its marker already renamed to this process).</summary>
        private void Adopt(string id)
        {
            var owner = new Owner(id, own: false);
            foreach (string file in Directory.GetFiles(_folder, id + ".*" + SegmentSuffix))
            {
                string name = Path.GetFileName(file);
                string seqText = name.Substring(id.Length + 1, name.Length - id.Length - 1 - SegmentSuffix.Length);
                if (!long.TryParse(seqText, NumberStyles.None, CultureInfo.InvariantCulture, out long seq)) continue;
                owner.Segments.Add(new Segment(seq, file) { Length = new FileInfo(file).Length });
            }
            owner.Segments.Sort((a, b) => a.Seq.CompareTo(b.Seq));
            if (!LoadPosition(id, out owner.CursorSeq, out owner.CursorOffset))
            {
                owner.CursorSeq = owner.Segments.Count > 0 ? owner.Segments[0].Seq : 1;
                owner.CursorOffset = 0;
            }
            foreach (Segment s in owner.Segments)
            {
                if (s.Seq < owner.CursorSeq) continue;
                s.Remaining = CountRecords(s.Path, s.Seq == owner.CursorSeq ? owner.CursorOffset : 0, out long first);
                if (owner.FirstTicks == 0) owner.FirstTicks = first;
                owner.Waiting += s.Remaining;
            }
            owner.Position = OpenPosition(id);
            _heldBytes += owner.Segments.Sum(s => s.Length);
            // Taken-over spools are delivered oldest first (by their first waiting hit), before this process's own.
            int at = 0;
            while (at < _held.Count - 1 && _held[at].FirstTicks <= owner.FirstTicks) at++;
            _held.Insert(at, owner);
            Adopted++;
        }

        /// <summary>An adopted spool is delivered: its files go.</summary>
        private void Finish(Owner owner)
        {
            owner.Position?.Dispose();
            _held.Remove(owner);
            TryDelete(PositionPath(owner.Id));
            TryDelete(MarkerPath(owner.Id, Me));
            TryDelete(LeasePath(owner.Id));
        }

        /// <summary>The whole records of a segment from <paramref name="from"/>, and the first one's accepted-at ticks (0 if none).</summary>
        private static long CountRecords(string path, long from, out long firstTicks)
        {
            firstTicks = 0;
            byte[] data;
            try { data = File.ReadAllBytes(path); } catch (IOException) { return 0; }
            long count = 0;
            int p = (int)Math.Min(from, data.Length);
            while (p < data.Length)
            {
                if (SpoolRecord.TryRead(data, p, data.Length, out TrackingHit hit, out int length) == SpoolRecord.Outcome.Record)
                {
                    if (count == 0) firstTicks = hit.AcceptedUtcTicks;
                    count++;
                    p += length;
                    continue;
                }
                int next = SpoolRecord.FindMagic(data, p + 1, data.Length);
                if (next < 0) break;
                p = next;
            }
            return count;
        }

        private FileStream OpenPosition(string id) =>
            new FileStream(PositionPath(id), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1);

        /// <summary>The position file: segment (int64), offset (int64), CRC-32 of both.</summary>
        private void SavePosition(Owner owner)
        {
            var b = new byte[20];
            SpoolRecord.WriteInt64(b, 0, owner.CursorSeq);
            SpoolRecord.WriteInt64(b, 8, owner.CursorOffset);
            SpoolRecord.WriteInt32(b, 16, unchecked((int)Crc32.Compute(b, 0, 16)));
            owner.Position.Position = 0;
            owner.Position.Write(b, 0, 20);
            owner.Position.Flush(_options.Fsync);
        }

        private bool LoadPosition(string id, out long seq, out long offset)
        {
            seq = offset = 0;
            byte[] b;
            try { b = File.ReadAllBytes(PositionPath(id)); } catch (IOException) { return false; }
            if (b.Length < 20 || unchecked((uint)SpoolRecord.ReadInt32(b, 16)) != Crc32.Compute(b, 0, 16)) return false;
            seq = SpoolRecord.ReadInt64(b, 0);
            offset = SpoolRecord.ReadInt64(b, 8);
            return seq > 0 && offset >= 0;
        }

        private string LeasePath(string id) => Path.Combine(_folder, id + LeaseSuffix);
        private string MarkerPath(string id, string holder) => Path.Combine(_folder, id + HeldBy + holder);
        private string PositionPath(string id) => Path.Combine(_folder, id + PositionSuffix);
        private string SegmentPath(string id, long seq) => Path.Combine(_folder, id + "." + seq.ToString("D10", CultureInfo.InvariantCulture) + SegmentSuffix);

        private static void Touch(string path)
        {
            if (!File.Exists(path)) File.WriteAllBytes(path, new byte[0]);
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        }

        private static void TryDelete(string path)
        {
            try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }

        /// <summary>Hits read from one segment of one owner, with the end offset of each (for <see cref="Commit"/>).</summary>
        internal sealed class Batch
        {
            public Batch(Owner owner, long seq)
            {
                Owner = owner;
                Seq = seq;
            }

            internal Owner Owner { get; }
            internal long Seq { get; }
            public List<TrackingHit> Hits { get; } = new List<TrackingHit>();
            internal List<long> Ends { get; } = new List<long>();
        }

        internal sealed class Owner
        {
            public Owner(string id, bool own)
            {
                Id = id;
                Own = own;
            }

            public readonly string Id;
            public readonly bool Own;
            public readonly List<Segment> Segments = new List<Segment>();
            public long CursorSeq, CursorOffset, Waiting, FirstTicks;
            public FileStream Position;
        }

        internal sealed class Segment
        {
            public Segment(long seq, string path)
            {
                Seq = seq;
                Path = path;
            }

            public readonly long Seq;
            public readonly string Path;
            public long Length, Remaining;
            public FileStream Reader;
        }
    }
}

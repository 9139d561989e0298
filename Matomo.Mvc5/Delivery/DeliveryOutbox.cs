using System;
using System.Linq;
using System.Collections.ObjectModel;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Text;
using System.Threading;

namespace Matomo.Mvc5.Delivery
{
    /// <summary>
    /// The durable delivery outbox: <see cref="Accept(string, long, string)"/> queues a hit in memory (lock-free, never
    /// blocks, never throws); a writer thread appends what arrived to the <see cref="Spool"/> every
    /// <see cref="OutboxOptions.Linger"/>; one sender thread delivers the spool in order as Matomo bulk requests,
    /// reads Matomo's answer, retries failures with capped exponential backoff and jitter, bisects a batch Matomo
    /// refuses with 400, keeps the hits Matomo refuses in <see cref="RejectedHits"/> (sent again when a replay is asked
    /// for), and moves the spool's position past what was delivered, kept or given up.
    /// </summary>
    internal sealed class DeliveryOutbox : IDisposable
    {
        /// <summary>Hits are dropped as too old a minute before Matomo's limit, so that none reaches it a little too late.</summary>
        private static readonly TimeSpan AgeMargin = TimeSpan.FromMinutes(1);

        private readonly OutboxOptions _options;
        private readonly Spool _spool;
        private readonly RejectedHits _rejectedHits;
        private readonly ConcurrentQueue<TrackingHit> _queue = new ConcurrentQueue<TrackingHit>();
        private readonly AutoResetEvent _writerWake = new AutoResetEvent(false);
        private readonly AutoResetEvent _senderWake = new AutoResetEvent(false);
        private readonly ManualResetEvent _stop = new ManualResetEvent(false);
        private readonly Thread _writer, _sender;
        private readonly Random _random = new Random();
        private readonly object _requestGate = new object();
        private HttpWebRequest _current;

        private long _accepted, _dequeued, _droppedMemory;
        private int _writerIdle;
        private volatile bool _stopping, _abandoned, _writerDone;
        private DateTime _flushDeadline = DateTime.MaxValue;

        private long _delivered, _tracked, _rejected, _retried, _droppedOld, _oldestTicks;
        private string _lastError;
        private long _lastErrorTicks;
        private volatile bool _failing;
        private DateTime _failingSince;
        private long _retriedAtOutageStart;
        /// <summary>Hits Matomo refused (400 on their own, or invalid in an answer): the sender's thread only.</summary>
        private long _refusedCount;
        private bool _allRefusedLogged;
        private long _replayed, _notAttributed;
        private DateTime _nextRejectedCheck;

        public DeliveryOutbox(OutboxOptions options)
        {
            _options = (options ?? throw new ArgumentNullException(nameof(options))).Checked();
            _spool = new Spool(_options);
            _rejectedHits = new RejectedHits(_spool.Folder, _spool.Me, _options.MaxRejectedBytes, _spool.IsAlive);
            _writer = new Thread(WriteLoop) { IsBackground = true, Name = "Matomo.Mvc5 outbox writer" };
            _sender = new Thread(SendLoop) { IsBackground = true, Name = "Matomo.Mvc5 outbox sender" };
            _writer.Start();
            _sender.Start();
        }

        /// <summary>This process's name in the spool folder.</summary>
        public string SpoolOwner => _spool.Me;

        /// <summary>The spool folder (full path).</summary>
        public string SpoolFolder => _spool.Folder;

        /// <summary>Accepts a hit accepted now.</summary>
        public void Accept(string query, string visitorAddress) => Accept(query, DateTime.UtcNow.Ticks, visitorAddress);

        /// <summary>
        /// Accepts a hit: its query string (<c>token_auth</c>, <c>cip</c>, <c>cdt</c> are replaced by the sender's),
        /// the UTC ticks at which it was accepted, the visitor's address (or null). Never blocks and never throws;
        /// beyond <see cref="OutboxOptions.MemoryCapacity"/> hits waiting for the disk, the hit is dropped and counted.
        /// </summary>
        public void Accept(string query, long acceptedUtcTicks, string visitorAddress)
        {
            try
            {
                long accepted = Interlocked.Increment(ref _accepted);
                if (query == null || accepted - Volatile.Read(ref _dequeued) - Volatile.Read(ref _droppedMemory) > _options.MemoryCapacity)
                {
                    Interlocked.Increment(ref _droppedMemory);
                    return;
                }
                _queue.Enqueue(new TrackingHit(query, acceptedUtcTicks, visitorAddress));
                if (Volatile.Read(ref _writerIdle) != 0 && Interlocked.Exchange(ref _writerIdle, 0) != 0) _writerWake.Set();
            }
            catch (Exception)
            {
                // Never into the caller (an OutOfMemoryException, an event disposed by a racing Stop).
            }
        }

        private readonly ConcurrentDictionary<string, long> _skipped = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);

        /// <summary>Counts a hit the site's rules kept from the outbox, by cause; never throws.</summary>
        public void CountSkipped(string cause)
        {
            try { _skipped.AddOrUpdate(cause ?? "unknown", 1, (_, n) => n + 1); }
            catch (Exception) { /* counting never hurts the caller */ }
        }

        /// <summary>The outbox now.</summary>
        public MatomoDeliveryStatus Status
        {
            get
            {
                long now = DateTime.UtcNow.Ticks;
                long oldest = Volatile.Read(ref _oldestTicks);
                if (oldest == 0 && _queue.TryPeek(out TrackingHit head)) oldest = head.AcceptedUtcTicks;
                long errorTicks = Volatile.Read(ref _lastErrorTicks);
                long accepted = Volatile.Read(ref _accepted), droppedMemory = Volatile.Read(ref _droppedMemory);
                return new MatomoDeliveryStatus(
                    accepted, Volatile.Read(ref _delivered), Volatile.Read(ref _tracked),
                    Volatile.Read(ref _rejected) + _spool.DroppedTooLong, Volatile.Read(ref _retried),
                    Math.Max(0, accepted - Volatile.Read(ref _dequeued) - droppedMemory), _spool.Waiting,
                    _spool.DroppedFull, droppedMemory, Volatile.Read(ref _droppedOld), _spool.Torn, _spool.DroppedWriteFailed,
                    _spool.Adopted, Volatile.Read(ref _lastError), errorTicks == 0 ? (DateTime?)null : new DateTime(errorTicks, DateTimeKind.Utc),
                    oldest == 0 ? (TimeSpan?)null : TimeSpan.FromTicks(Math.Max(0, now - oldest)), _failing,
                    new ReadOnlyDictionary<string, long>(_skipped.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal)),
                    _rejectedHits.Kept, _rejectedHits.DroppedFull + Volatile.Read(ref _notAttributed), Volatile.Read(ref _replayed));
            }
        }

        /// <summary>
        /// Writes what waits in memory to the spool, delivers what it can within <paramref name="timeout"/>, and leaves
        /// the rest in the spool for the next process (releasing the lease, so that it need not wait). Safe to repeat.
        /// </summary>
        public void Stop(TimeSpan timeout)
        {
            if (_stopping) return;
            DateTime deadline = DateTime.UtcNow + timeout;
            _flushDeadline = deadline;
            _stopping = true;
            _stop.Set();
            _writerWake.Set();
            _writer.Join(Remaining(deadline, TimeSpan.FromSeconds(1)));
            _senderWake.Set();
            if (!_sender.Join(Remaining(deadline, TimeSpan.Zero)))
            {
                lock (_requestGate) _current?.Abort();
                _sender.Join(TimeSpan.FromSeconds(1));
            }
            _spool.Close(release: true);
        }

        public void Dispose() => Stop(TimeSpan.FromSeconds(3));

        /// <summary>What a killed process leaves: the threads stop at once, the files stay, the lease is kept until it
        /// expires. For tests of the take-over.</summary>
        internal void Abandon()
        {
            _abandoned = true;
            _stopping = true;
            _stop.Set();
            _writerWake.Set();
            _senderWake.Set();
            lock (_requestGate) _current?.Abort();
            _writer.Join(TimeSpan.FromSeconds(5));
            _sender.Join(TimeSpan.FromSeconds(5));
            _spool.Close(release: false);
        }

        private static TimeSpan Remaining(DateTime deadline, TimeSpan least)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            return left > least ? left : least;
        }

        private void WriteLoop()
        {
            var batch = new List<TrackingHit>(1024);
            DateTime nextBeat = DateTime.UtcNow + _options.Heartbeat;
            while (!_abandoned)
            {
                try
                {
                    if (_queue.IsEmpty)
                    {
                        if (_stopping) break;
                        Interlocked.Exchange(ref _writerIdle, 1);
                        if (_queue.IsEmpty) _writerWake.WaitOne(Remaining(nextBeat, TimeSpan.Zero));
                        Interlocked.Exchange(ref _writerIdle, 0);
                    }
                    if (!_stopping && !_queue.IsEmpty && _queue.Count < _options.BatchSize)
                    {
                        Thread.Sleep(_options.Linger); // let the hits of the next few milliseconds join these
                    }
                    if (_abandoned) break;
                    while (_queue.TryDequeue(out TrackingHit hit))
                    {
                        batch.Add(hit);
                        if (batch.Count == 4096) Write(batch);
                    }
                    Write(batch);
                    if (DateTime.UtcNow >= nextBeat)
                    {
                        _spool.Heartbeat();
                        nextBeat = DateTime.UtcNow + _options.Heartbeat;
                        _senderWake.Set();
                    }
                }
                catch (Exception e)
                {
                    Fail("spool: " + e.GetType().Name + ": " + e.Message, log: false);
                    batch.Clear();
                    if (_stop.WaitOne(TimeSpan.FromSeconds(1)) && _abandoned) break;
                }
            }
            _writerDone = true;
            _senderWake.Set();
        }

        private void Write(List<TrackingHit> batch)
        {
            if (batch.Count == 0) return;
            try { _spool.Append(batch); }
            finally
            {
                Interlocked.Add(ref _dequeued, batch.Count);
                batch.Clear();
                _senderWake.Set();
            }
        }

        private void SendLoop()
        {
            int failures = 0;
            while (!_abandoned)
            {
                if (_stopping && DateTime.UtcNow > _flushDeadline) break;
                if (!_stopping && DateTime.UtcNow >= _nextRejectedCheck) CheckRejected();
                Spool.Batch batch;
                try { batch = _spool.Read(_options.BatchSize); }
                catch (Exception e)
                {
                    Fail("spool: " + e.GetType().Name + ": " + e.Message, log: false);
                    if (_stop.WaitOne(TimeSpan.FromSeconds(1)) && _abandoned) break;
                    continue;
                }
                if (batch == null)
                {
                    Volatile.Write(ref _oldestTicks, 0);
                    if (_stopping && _writerDone) break;
                    _senderWake.WaitOne(_options.Heartbeat);
                    continue;
                }
                Volatile.Write(ref _oldestTicks, batch.Hits[0].AcceptedUtcTicks);
                bool done;
                try { done = Deliver(batch); }
                finally { _spool.EndBatch(); }
                if (done)
                {
                    failures = 0;
                    if (_failing) Recovered(batch.Hits.Count);
                    continue;
                }
                if (_abandoned || _stopping) break; // shutting down: the rest stays in the spool
                failures++;
                Interlocked.Increment(ref _retried);
                _stop.WaitOne(Backoff(failures));
            }
        }

        /// <summary>At most once a heartbeat: sends the kept rejected hits again if a replay was asked for, and counts them.</summary>
        private void CheckRejected()
        {
            _nextRejectedCheck = DateTime.UtcNow + _options.Heartbeat;
            try
            {
                if (_rejectedHits.ReplayRequested())
                {
                    List<TrackingHit> hits = _rejectedHits.Take(out List<string> claimed);
                    if (hits.Count > 0) _spool.Append(hits);
                    Interlocked.Add(ref _replayed, hits.Count);
                    _rejectedHits.Done(claimed);
                    _allRefusedLogged = false;
                    _options.Log("Matomo.Mvc5 outbox: a replay of the rejected hits was asked for; "
                        + hits.Count.ToString(CultureInfo.InvariantCulture) + " hits kept in the spool folder are sent again, with the times they were first accepted.");
                }
                else _rejectedHits.Recount();
            }
            catch (Exception e)
            {
                Fail("rejected hits: " + e.GetType().Name + ": " + e.Message, log: false);
            }
        }

        /// <summary>The wait before attempt <paramref name="failures"/> + 1: RetryInitial doubled per failure, capped at
        /// RetryMax, of which a random half ("equal jitter"), so that worker processes do not retry together.</summary>
        internal TimeSpan Backoff(int failures)
        {
            double cap = _options.RetryMax.TotalMilliseconds;
            double full = Math.Min(cap, _options.RetryInitial.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30)));
            return TimeSpan.FromMilliseconds(full / 2 + _random.NextDouble() * full / 2);
        }

        /// <summary>Sends the batch in order; false if a part failed and is to be retried (what came before it is committed).</summary>
        private bool Deliver(Spool.Batch batch)
        {
            List<TrackingHit> hits = batch.Hits;
            long now = DateTime.UtcNow.Ticks;
            int i = 0;
            while (i < hits.Count)
            {
                if (TooOld(hits[i], now))
                {
                    Interlocked.Increment(ref _droppedOld);
                    _spool.Commit(batch, ++i);
                    continue;
                }
                int j = i + 1;
                while (j < hits.Count && !TooOld(hits[j], now)) j++;
                long refusedBefore = _refusedCount;
                if (!SendRange(batch, i, j - i)) return false;
                bool allRefused = j - i >= 2 && _refusedCount - refusedBefore == j - i;
                if (allRefused && !_allRefusedLogged)
                {
                    // Not one bad hit but all of them: more likely the token or the site id. Said once, until a batch goes through.
                    _allRefusedLogged = true;
                    _options.Log("Matomo.Mvc5 outbox: Matomo refused each of the " + (j - i).ToString(CultureInfo.InvariantCulture)
                        + " hits of a batch; they are counted as rejected and kept in the spool folder (" + RejectedHits.Suffix
                        + " files). When every hit is refused, check that the token (matomo:TokenAuth) has write access to the site and that the site id is right,"
                        + " then send the kept hits again (MatomoModule.ReplayRejectedHits()).");
                }
                else if (_refusedCount - refusedBefore < j - i) _allRefusedLogged = false; // some went through
                i = j;
            }
            return true;
        }

        private bool TooOld(TrackingHit hit, long now)
        {
            TimeSpan age = TimeSpan.FromTicks(now - hit.AcceptedUtcTicks);
            if (_options.TokenAuth == null && age > _options.MaxAgeWithoutToken - AgeMargin) return true;
            return _options.RawDataWindow.HasValue && age > _options.RawDataWindow.Value - AgeMargin;
        }

        private bool SendRange(Spool.Batch batch, int start, int count)
        {
            Result result = Post(batch.Hits, start, count);
            switch (result.Kind)
            {
                case ResultKind.Success:
                    Interlocked.Add(ref _delivered, count);
                    Interlocked.Add(ref _tracked, result.Answer.TrackedCount ?? 0);
                    int invalid = Math.Min(count, result.Answer.InvalidCount ?? 0);
                    if (invalid > 0) KeepInvalid(batch.Hits, start, count, invalid, result.Answer.InvalidIndices);
                    _spool.Commit(batch, start + count);
                    return true;
                case ResultKind.Refused when count == 1:
                    Interlocked.Increment(ref _rejected);
                    _refusedCount++;
                    _rejectedHits.Keep(batch.Hits, start, 1);
                    _spool.Commit(batch, start + 1);
                    return true;
                case ResultKind.Refused:
                    int half = count / 2;
                    return SendRange(batch, start, half) && SendRange(batch, start + half, count - half);
                default:
                    Fail(result.Error, log: true);
                    return false;
            }
        }

        /// <summary>Counts the invalid hits of an answer and keeps those it can tell apart: the ones Matomo names
        /// (<c>invalid_indices</c>, given to a super user's token), or all of them when every hit is invalid. Without
        /// indices, some invalid among tracked ones cannot be told apart: they are counted, not kept.</summary>
        private void KeepInvalid(List<TrackingHit> hits, int start, int count, int invalid, int[] indices)
        {
            Interlocked.Add(ref _rejected, invalid);
            _refusedCount += invalid;
            if (indices != null) _rejectedHits.Keep(hits, start, count, indices.Distinct());
            else if (invalid == count) _rejectedHits.Keep(hits, start, count);
            else Interlocked.Add(ref _notAttributed, invalid);
        }

        /// <summary>Asks every process that shares <paramref name="spoolFolder"/> to send its kept rejected hits again,
        /// at its next heartbeat.</summary>
        public static void RequestReplay(string spoolFolder) => RejectedHits.RequestReplay(spoolFolder);

        private Result Post(List<TrackingHit> hits, int start, int count)
        {
            byte[] body = BulkRequest.Body(hits, start, count, _options.TokenAuth);
            HttpWebRequest request;
            try
            {
                request = (HttpWebRequest)WebRequest.Create(_options.Endpoint);
                request.Method = "POST";
                request.ContentType = "application/json";
                request.ContentLength = body.Length;
                request.KeepAlive = true;
                request.AllowAutoRedirect = false;
                request.UserAgent = "Matomo.Mvc5 outbox";
                request.Timeout = (int)_options.RequestTimeout.TotalMilliseconds;
                request.ReadWriteTimeout = (int)_options.RequestTimeout.TotalMilliseconds;
                request.ServicePoint.Expect100Continue = false;
                lock (_requestGate)
                {
                    if (_abandoned) return Result.Failed("stopped");
                    _current = request;
                }
                using (Stream stream = request.GetRequestStream()) stream.Write(body, 0, body.Length);
                using (var response = (HttpWebResponse)request.GetResponse())
                    return Classify((int)response.StatusCode, Read(response));
            }
            catch (WebException e) when (e.Response is HttpWebResponse response)
            {
                using (response) return Classify((int)response.StatusCode, null);
            }
            catch (WebException e)
            {
                return Result.Failed(e.Status == WebExceptionStatus.Timeout
                    ? "no answer within " + _options.RequestTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s"
                    : "connection: " + e.Status);
            }
            catch (Exception e)
            {
                return Result.Failed(e.GetType().Name);
            }
            finally
            {
                lock (_requestGate) _current = null;
            }
        }

        private Result Classify(int status, string body)
        {
            if (status >= 200 && status < 300) return new Result { Kind = ResultKind.Success, Answer = BulkAnswer.Parse(body) };
            if (status == 400 || status == 413) return new Result { Kind = ResultKind.Refused };
            return Result.Failed("HTTP " + status.ToString(CultureInfo.InvariantCulture));
        }

        private static string Read(HttpWebResponse response)
        {
            using (Stream stream = response.GetResponseStream())
            {
                if (stream == null) return null;
                var buffer = new byte[16 * 1024];
                int total = 0, n;
                while (total < buffer.Length && (n = stream.Read(buffer, total, buffer.Length - total)) > 0) total += n;
                var drain = new byte[4096];
                while (stream.Read(drain, 0, drain.Length) > 0) { } // the rest, so that the connection is reused
                return Encoding.UTF8.GetString(buffer, 0, total);
            }
        }

        private void Fail(string error, bool log)
        {
            Volatile.Write(ref _lastError, error);
            Volatile.Write(ref _lastErrorTicks, DateTime.UtcNow.Ticks);
            if (!log || _failing) return;
            _failing = true;
            _failingSince = DateTime.UtcNow;
            _retriedAtOutageStart = Volatile.Read(ref _retried);
            _options.Log("Matomo.Mvc5 outbox: delivery to Matomo failing since " + _failingSince.ToString("u", CultureInfo.InvariantCulture)
                + " (" + error + "); hits wait in the spool and are retried with backoff.");
        }

        /// <summary>The outage's second line: how long, how many retries, how many hits had waited (the batch just
        /// delivered and what still waits behind it).</summary>
        private void Recovered(int justDelivered)
        {
            _failing = false;
            TimeSpan outage = DateTime.UtcNow - _failingSince;
            _options.Log("Matomo.Mvc5 outbox: delivery to Matomo works again after " + ((long)outage.TotalSeconds).ToString(CultureInfo.InvariantCulture)
                + " s; " + (justDelivered + _spool.Waiting).ToString(CultureInfo.InvariantCulture) + " hits waited and are being delivered; "
                + (Volatile.Read(ref _retried) - _retriedAtOutageStart).ToString(CultureInfo.InvariantCulture) + " retries.");
        }

        private enum ResultKind { Success, Refused, Failed }

        private struct Result
        {
            public ResultKind Kind;
            public BulkAnswer Answer;
            public string Error;

            public static Result Failed(string error) => new Result { Kind = ResultKind.Failed, Error = error };
        }
    }
}

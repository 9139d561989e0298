using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;

namespace Matomo.Mvc5
{
    /// <summary>
    /// A snapshot of the delivery outbox, for a site's own health page: counts since the process started (this
    /// process's share when several worker processes share the spool) and what waits now. Immutable.
    /// </summary>
    public sealed class MatomoDeliveryStatus
    {
        internal MatomoDeliveryStatus(long accepted, long delivered, long tracked, long rejected, long retried,
            long waitingInMemory, long waitingOnDisk, long droppedSpoolFull, long droppedMemoryFull, long droppedTooOld,
            long droppedTornRecords, long droppedWriteFailed, long adoptedSpools, string lastError, DateTime? lastErrorUtc,
            TimeSpan? oldestWaitingAge, bool outage, IReadOnlyDictionary<string, long> skippedByRule = null,
            long rejectedKept = 0, long rejectedNotKept = 0, long replayed = 0)
        {
            RejectedKept = rejectedKept;
            RejectedNotKept = rejectedNotKept;
            Replayed = replayed;
            SkippedByRule = skippedByRule ?? NoSkips;
            Accepted = accepted;
            Delivered = delivered;
            Tracked = tracked;
            Rejected = rejected;
            Retried = retried;
            WaitingInMemory = waitingInMemory;
            WaitingOnDisk = waitingOnDisk;
            DroppedSpoolFull = droppedSpoolFull;
            DroppedMemoryFull = droppedMemoryFull;
            DroppedTooOld = droppedTooOld;
            DroppedTornRecords = droppedTornRecords;
            DroppedWriteFailed = droppedWriteFailed;
            AdoptedSpools = adoptedSpools;
            LastError = lastError;
            LastErrorUtc = lastErrorUtc;
            OldestWaitingAge = oldestWaitingAge;
            IsFailing = outage;
        }

        /// <summary>Hits handed to the outbox.</summary>
        public long Accepted { get; }

        /// <summary>Hits sent in bulk requests that Matomo answered with success (tracked or invalid).</summary>
        public long Delivered { get; }

        /// <summary>Hits Matomo reported as tracked (its answers' <c>tracked</c> counts).</summary>
        public long Tracked { get; }

        /// <summary>Hits Matomo refused: its answers' <c>invalid</c> counts, and single hits it answered 400 for. Not retried;
        /// kept (<see cref="RejectedKept"/>) to be sent again on request.</summary>
        public long Rejected { get; }

        /// <summary>Rejected hits kept in the spool folder's <c>.rejected</c> files (every process's) to be sent again by
        /// <c>MatomoModule.ReplayRejectedHits()</c> once the cause is fixed.</summary>
        public long RejectedKept { get; }

        /// <summary>Rejected hits not kept: invalid ones among tracked ones in an answer that did not name them (Matomo names
        /// them only to a super user's token), or refused when this process's <c>.rejected</c> file was full.</summary>
        public long RejectedNotKept { get; }

        /// <summary>Kept rejected hits this process handed back to its spool on request (they count as waiting again:
        /// <see cref="Accepted"/> + <see cref="Replayed"/> is what was delivered, refused, waits or was dropped).</summary>
        public long Replayed { get; }

        /// <summary>Bulk requests sent again after a timeout, a refused or reset connection, or a 5xx answer.</summary>
        public long Retried { get; }

        /// <summary>Hits accepted and not yet written to the spool.</summary>
        public long WaitingInMemory { get; }

        /// <summary>Hits in the spool not yet delivered (this process's own and those it took over).</summary>
        public long WaitingOnDisk { get; }

        /// <summary>The oldest hits dropped because the spool reached its size limit.</summary>
        public long DroppedSpoolFull { get; }

        /// <summary>Hits dropped because too many waited in memory for the disk.</summary>
        public long DroppedMemoryFull { get; }

        /// <summary>Hits older than Matomo accepts (over 24 hours without a token, or beyond the raw-data window), never sent.</summary>
        public long DroppedTooOld { get; }

        /// <summary>Torn or corrupt stretches of the spool skipped (a crash in the middle of a write); each held one hit or more.</summary>
        public long DroppedTornRecords { get; }

        /// <summary>Hits lost because the disk refused a write.</summary>
        public long DroppedWriteFailed { get; }

        /// <summary>Spools of dead (or stopped) processes this process took over.</summary>
        public long AdoptedSpools { get; }

        /// <summary>The last delivery error (never with the token), or null.</summary>
        public string LastError { get; }

        /// <summary>When <see cref="LastError"/> happened (UTC), or null.</summary>
        public DateTime? LastErrorUtc { get; }

        /// <summary>How long the oldest waiting hit has waited, or null when nothing waits.</summary>
        public TimeSpan? OldestWaitingAge { get; }

        private static readonly IReadOnlyDictionary<string, long> NoSkips = new ReadOnlyDictionary<string, long>(new Dictionary<string, long>());

        /// <summary>
        /// Server-side hits the site's rules kept from the outbox, by cause (<c>internal-address</c>, <c>excluded</c>,
        /// <c>do-not-track</c>, <c>opted-out</c>, <c>no-consent</c>, <c>not-configured</c>): never accepted, never sent.
        /// </summary>
        public IReadOnlyDictionary<string, long> SkippedByRule { get; }

        /// <summary>Whether the last delivery attempt failed (Matomo unreachable or failing).</summary>
        public bool IsFailing { get; }

        /// <summary>One line, for a log or a health page.</summary>
        public override string ToString() =>
            "accepted=" + Accepted + " delivered=" + Delivered + " tracked=" + Tracked + " rejected=" + Rejected
            + (RejectedKept + RejectedNotKept + Replayed == 0 ? "" : "(kept=" + RejectedKept + ",not-kept=" + RejectedNotKept + ",replayed=" + Replayed + ")")
            + " retried=" + Retried
            + " waiting=" + WaitingInMemory + "+" + WaitingOnDisk + " dropped(full=" + DroppedSpoolFull + ",memory=" + DroppedMemoryFull
            + ",old=" + DroppedTooOld + ",torn=" + DroppedTornRecords + ",write=" + DroppedWriteFailed + ")"
            + (SkippedByRule.Count == 0 ? "" : " skipped(" + string.Join(",", SkippedByRule.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value)) + ")")
            + (IsFailing ? " failing: " + LastError : "");
    }
}

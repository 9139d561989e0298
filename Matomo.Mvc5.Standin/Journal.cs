using System.Collections.Generic;
using System.Linq;

namespace Matomo.Mvc5.Standin
{
    /// <summary>What the stand-in received: the last <see cref="Capacity"/> entries, in memory, safe for concurrent use.</summary>
    internal sealed class Journal
    {
        private readonly LinkedList<Entry> _entries = new LinkedList<Entry>();
        private long _lastId;

        public Journal(int capacity) { Capacity = capacity; }

        public int Capacity { get; }

        /// <summary>Gives the entry its id and keeps it (forgetting the oldest beyond the capacity).</summary>
        public void Add(Entry entry)
        {
            lock (_entries)
            {
                entry.Id = ++_lastId;
                _entries.AddLast(entry);
                while (_entries.Count > Capacity) _entries.RemoveFirst();
            }
        }

        /// <summary>Oldest first; only those with an id above <paramref name="afterId"/>.</summary>
        public List<Entry> Snapshot(long afterId = 0)
        {
            lock (_entries) return _entries.Where(e => e.Id > afterId).ToList();
        }

        public void Clear()
        {
            lock (_entries) _entries.Clear();
        }
    }
}

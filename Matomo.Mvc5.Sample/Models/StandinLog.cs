using System;
using System.Collections.Generic;
using System.Linq;

namespace Matomo.Mvc5.Sample.Models
{
    /// <summary>Something the Matomo stand-in received from a browser.</summary>
    public sealed class StandinEntry
    {
        /// <summary>Increases by one per entry, from 1, until the application restarts.</summary>
        public long Id { get; set; }
        /// <summary>UTC, ISO 8601.</summary>
        public string Time { get; set; }
        /// <summary>"script" (matomo.js or a container fetched), "commands" (the _paq commands the page executed, or the
        /// _mtm events the container found) or "hit" (matomo.php request).</summary>
        public string Kind { get; set; }
        /// <summary>The page that caused it: its URL as the browser reported it, else the Referer.</summary>
        public string Page { get; set; }
        /// <summary>The peer address the stand-in saw (REMOTE_ADDR).</summary>
        public string RemoteAddress { get; set; }
        /// <summary>The path the browser asked for: /matomo-standin/matomo.php, /matomo-standin/piwik.js ...</summary>
        public string Path { get; set; }
        /// <summary>Kind-specific: the script's URL, the command list, or the hit's query parameters.</summary>
        public object Data { get; set; }
    }

    /// <summary>The stand-in's memory: the last <see cref="Capacity"/> entries, shared by every request of the application.</summary>
    public static class StandinLog
    {
        public const int Capacity = 200;
        static readonly LinkedList<StandinEntry> entries = new LinkedList<StandinEntry>();
        static long lastId;

        public static StandinEntry Add(string kind, string page, string remoteAddress, string path, object data)
        {
            lock (entries)
            {
                var entry = new StandinEntry
                {
                    Id = ++lastId,
                    Time = DateTime.UtcNow.ToString("o"),
                    Kind = kind,
                    Page = page,
                    RemoteAddress = remoteAddress,
                    Path = path,
                    Data = data,
                };
                entries.AddLast(entry);
                while (entries.Count > Capacity) entries.RemoveFirst();
                return entry;
            }
        }

        /// <summary>Oldest first.</summary>
        public static IReadOnlyList<StandinEntry> Snapshot()
        {
            lock (entries) return entries.ToList();
        }

        public static void Clear()
        {
            lock (entries) entries.Clear();
        }
    }
}

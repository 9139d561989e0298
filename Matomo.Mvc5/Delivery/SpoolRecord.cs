using System;
using System.IO;
using System.Text;

namespace Matomo.Mvc5.Delivery
{
    /// <summary>
    /// The spool's record: <c>MTH1</c> (4 bytes, to find the next record after a torn one), the payload's length
    /// (int32, little-endian), its CRC-32 (uint32), then the payload: accepted-at UTC ticks (int64), the visitor
    /// address's UTF-8 length (uint16, 0xFFFF for none) and bytes, and the query string's UTF-8 bytes (the rest).
    /// </summary>
    internal static class SpoolRecord
    {
        public const int HeaderLength = 12;

        /// <summary>The largest payload written or read (longer ones are refused; Matomo's own URL limits are far below).</summary>
        public const int MaxPayload = 1024 * 1024;

        private static readonly byte[] Magic = { (byte)'M', (byte)'T', (byte)'H', (byte)'1' };
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false, false);

        /// <summary>Appends the hit's record to <paramref name="into"/>; false (nothing written) if it is too long.</summary>
        public static bool Write(MemoryStream into, TrackingHit hit)
        {
            string address = hit.VisitorAddress;
            string query = hit.Query ?? string.Empty;
            int addressBytes = address == null ? 0 : Utf8.GetByteCount(address);
            if (addressBytes >= 0xFFFF) return false;
            int queryBytes = Utf8.GetByteCount(query);
            long payload = 8L + 2 + addressBytes + queryBytes;
            if (payload > MaxPayload) return false;
            int length = (int)payload;
            long start = into.Length;
            into.SetLength(start + HeaderLength + length);
            byte[] buffer = into.GetBuffer();
            int p = (int)start;
            Buffer.BlockCopy(Magic, 0, buffer, p, 4);
            WriteInt32(buffer, p + 4, length);
            int body = p + HeaderLength;
            WriteInt64(buffer, body, hit.AcceptedUtcTicks);
            WriteUInt16(buffer, body + 8, address == null ? (ushort)0xFFFF : (ushort)addressBytes);
            if (address != null) Utf8.GetBytes(address, 0, address.Length, buffer, body + 10);
            Utf8.GetBytes(query, 0, query.Length, buffer, body + 10 + addressBytes);
            WriteInt32(buffer, p + 8, unchecked((int)Crc32.Compute(buffer, body, length)));
            into.Position = into.Length;
            return true;
        }

        /// <summary>What <see cref="TryRead"/> found at a position.</summary>
        public enum Outcome
        {
            /// <summary>A whole record whose checksum holds.</summary>
            Record,
            /// <summary>The bytes end before the record does (a record being written, or torn at the end of a file).</summary>
            Incomplete,
            /// <summary>Not a record: wrong magic, impossible length or a checksum that fails (torn or overwritten).</summary>
            Corrupt,
        }

        /// <summary>Reads the record at <paramref name="offset"/> of the first <paramref name="count"/> bytes of <paramref name="buffer"/>.</summary>
        public static Outcome TryRead(byte[] buffer, int offset, int count, out TrackingHit hit, out int recordLength)
        {
            hit = null;
            recordLength = 0;
            int available = count - offset;
            for (int i = 0; i < 4 && i < available; i++)
                if (buffer[offset + i] != Magic[i]) return Outcome.Corrupt;
            if (available < HeaderLength) return Outcome.Incomplete;
            int length = ReadInt32(buffer, offset + 4);
            if (length < 10 || length > MaxPayload) return Outcome.Corrupt;
            if (available < HeaderLength + length) return Outcome.Incomplete;
            int body = offset + HeaderLength;
            if (unchecked((uint)ReadInt32(buffer, offset + 8)) != Crc32.Compute(buffer, body, length)) return Outcome.Corrupt;
            long ticks = ReadInt64(buffer, body);
            int addressBytes = buffer[body + 8] | buffer[body + 9] << 8;
            string address = null;
            int queryStart = body + 10;
            if (addressBytes != 0xFFFF)
            {
                if (addressBytes > length - 10) return Outcome.Corrupt;
                address = Utf8.GetString(buffer, queryStart, addressBytes);
                queryStart += addressBytes;
            }
            if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks) return Outcome.Corrupt;
            hit = new TrackingHit(Utf8.GetString(buffer, queryStart, body + length - queryStart), ticks, address);
            recordLength = HeaderLength + length;
            return Outcome.Record;
        }

        /// <summary>Every whole record of a file's bytes, in order; a torn or corrupt stretch is skipped up to the next
        /// record (counted in <paramref name="torn"/>).</summary>
        public static System.Collections.Generic.List<TrackingHit> ReadAll(byte[] bytes, out int torn)
        {
            var hits = new System.Collections.Generic.List<TrackingHit>();
            torn = 0;
            int p = 0;
            while (p < bytes.Length)
            {
                if (TryRead(bytes, p, bytes.Length, out TrackingHit hit, out int length) == Outcome.Record)
                {
                    hits.Add(hit);
                    p += length;
                    continue;
                }
                torn++;
                int next = FindMagic(bytes, p + 1, bytes.Length);
                if (next < 0) break;
                p = next;
            }
            return hits;
        }

        /// <summary>The position of the next record's magic at or after <paramref name="from"/>, or -1.</summary>
        public static int FindMagic(byte[] buffer, int from, int count)
        {
            for (int i = from; i + 4 <= count; i++)
                if (buffer[i] == Magic[0] && buffer[i + 1] == Magic[1] && buffer[i + 2] == Magic[2] && buffer[i + 3] == Magic[3]) return i;
            return -1;
        }

        internal static void WriteInt32(byte[] b, int p, int v)
        {
            b[p] = (byte)v; b[p + 1] = (byte)(v >> 8); b[p + 2] = (byte)(v >> 16); b[p + 3] = (byte)(v >> 24);
        }

        internal static int ReadInt32(byte[] b, int p) => b[p] | b[p + 1] << 8 | b[p + 2] << 16 | b[p + 3] << 24;

        internal static void WriteInt64(byte[] b, int p, long v)
        {
            WriteInt32(b, p, (int)v);
            WriteInt32(b, p + 4, (int)(v >> 32));
        }

        internal static long ReadInt64(byte[] b, int p) => (uint)ReadInt32(b, p) | (long)ReadInt32(b, p + 4) << 32;

        private static void WriteUInt16(byte[] b, int p, ushort v)
        {
            b[p] = (byte)v; b[p + 1] = (byte)(v >> 8);
        }
    }
}

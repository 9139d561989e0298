using System;
using System.IO;
using Matomo.Mvc5.Delivery;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Delivery
{
    /// <summary>The spool's record format: what is written is read back; a flipped bit, a cut record or wrong framing is seen.</summary>
    public class SpoolRecordTests
    {
        private static byte[] Encode(params TrackingHit[] hits)
        {
            var stream = new MemoryStream();
            foreach (TrackingHit hit in hits) Assert.That(SpoolRecord.Write(stream, hit), Is.True);
            return stream.ToArray();
        }

        [Test]
        public void A_record_reads_back_as_written()
        {
            var hits = new[]
            {
                new TrackingHit("idsite=1&rec=1&url=https%3A%2F%2Fexample.org%2F%C3%A9", 638000000000000001, "203.0.113.7"),
                new TrackingHit("idsite=2&action_name=Caf\u00e9 \u2603 \ud83d\ude00", DateTime.MaxValue.Ticks, null),
                new TrackingHit("", 0, "2001:db8::1"),
            };
            byte[] data = Encode(hits);
            int p = 0;
            foreach (TrackingHit expected in hits)
            {
                Assert.That(SpoolRecord.TryRead(data, p, data.Length, out TrackingHit hit, out int length), Is.EqualTo(SpoolRecord.Outcome.Record));
                Assert.That(hit.Query, Is.EqualTo(expected.Query));
                Assert.That(hit.AcceptedUtcTicks, Is.EqualTo(expected.AcceptedUtcTicks));
                Assert.That(hit.VisitorAddress, Is.EqualTo(expected.VisitorAddress));
                p += length;
            }
            Assert.That(p, Is.EqualTo(data.Length));
        }

        [Test]
        public void Every_single_flipped_bit_of_a_record_is_seen()
        {
            byte[] data = Encode(new TrackingHit("idsite=1&rec=1&e_c=cat", 638000000000000000, "198.51.100.1"));
            for (int bit = 0; bit < data.Length * 8; bit++)
            {
                var copy = (byte[])data.Clone();
                copy[bit / 8] ^= (byte)(1 << (bit % 8));
                SpoolRecord.Outcome outcome = SpoolRecord.TryRead(copy, 0, copy.Length, out _, out _);
                Assert.That(outcome, Is.Not.EqualTo(SpoolRecord.Outcome.Record), "bit " + bit);
            }
        }

        [Test]
        public void A_cut_record_is_incomplete_and_the_next_is_found_by_its_magic()
        {
            byte[] data = Encode(new TrackingHit("idsite=1&n=1", 1, null), new TrackingHit("idsite=1&n=2", 2, null));
            int first = 0;
            Assert.That(SpoolRecord.TryRead(data, 0, data.Length, out _, out first), Is.EqualTo(SpoolRecord.Outcome.Record));
            for (int cut = 1; cut < first; cut++)
                Assert.That(SpoolRecord.TryRead(data, 0, cut, out _, out _), Is.EqualTo(SpoolRecord.Outcome.Incomplete), "cut at " + cut);
            Assert.That(SpoolRecord.FindMagic(data, 1, data.Length), Is.EqualTo(first));
        }

        [Test]
        public void A_too_long_hit_is_refused_not_written()
        {
            var stream = new MemoryStream();
            Assert.That(SpoolRecord.Write(stream, new TrackingHit(new string('a', SpoolRecord.MaxPayload), 1, null)), Is.False);
            Assert.That(stream.Length, Is.Zero);
        }

        [Test]
        public void Crc32_is_the_standard_one()
        {
            byte[] check = System.Text.Encoding.ASCII.GetBytes("123456789");
            Assert.That(Crc32.Compute(check, 0, check.Length), Is.EqualTo(0xCBF43926u));
        }
    }
}

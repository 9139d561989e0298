using System.IO;
using System.Linq;
using System.Threading;
using Matomo.Mvc5.Delivery;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.Delivery
{
    /// <summary>The claim the spool's take-over and the replay rest on, on the real file system: of several renaming one
    /// file at the same moment, exactly one succeeds.</summary>
    public class FileClaimTests
    {
        private TempFolder _folder;

        [SetUp] public void CreateFolder() => _folder = new TempFolder();
        [TearDown] public void RemoveFolder() => _folder.Dispose();

        [Test]
        public void Of_four_threads_taking_one_file_at_the_same_moment_exactly_one_succeeds_in_every_round()
        {
            // Mono's File.Move (link, then unlink) let two or more succeed in most such rounds.
            const int rounds = 300, takers = 4;
            var roundsWithOtherThanOne = 0;
            for (int round = 0; round < rounds; round++)
            {
                string marker = Path.Combine(_folder.Path, "p1-dead.held-by-p1-dead." + round);
                File.WriteAllBytes(marker, new byte[0]);
                var together = new Barrier(takers);
                int wins = 0;
                Thread[] threads = Enumerable.Range(0, takers).Select(t => new Thread(() =>
                {
                    together.SignalAndWait();
                    if (FileClaim.TryTake(marker, marker + ".by-" + t)) Interlocked.Increment(ref wins);
                })).ToArray();
                foreach (Thread thread in threads) thread.Start();
                foreach (Thread thread in threads) thread.Join();
                if (wins != 1) roundsWithOtherThanOne++;
                Assert.That(File.Exists(marker), Is.False, "round " + round + ": the old name is gone");
                Assert.That(_folder.Files("*." + round + ".by-*"), Has.Length.EqualTo(1), "round " + round + ": one new name");
            }
            Assert.That(roundsWithOtherThanOne, Is.Zero, "rounds of " + rounds + " in which not exactly one taker succeeded");
        }

        [Test]
        public void A_file_already_taken_is_not_taken_again_and_nothing_is_created()
        {
            string marker = Path.Combine(_folder.Path, "p1-dead.held-by-p1-dead");
            File.WriteAllBytes(marker, new byte[0]);
            Assert.That(FileClaim.TryTake(marker, marker + ".by-a"), Is.True);
            Assert.That(FileClaim.TryTake(marker, marker + ".by-b"), Is.False);
            Assert.That(_folder.Files(), Is.EqualTo(new[] { "p1-dead.held-by-p1-dead.by-a" }));
        }

        [Test]
        public void A_folder_whose_path_is_not_ascii_works()
        {
            // A site under C:\Sites\Café or /srv/sites/Zürich: the names go to the system as they are.
            string folder = Path.Combine(_folder.Path, "Café Zürich \u4e2d\u6587");
            Directory.CreateDirectory(folder);
            string marker = Path.Combine(folder, "p1-dead.held-by-p1-dead");
            File.WriteAllBytes(marker, new byte[] { 7 });
            Assert.That(FileClaim.TryTake(marker, Path.Combine(folder, "p1-dead.held-by-p2-alive")), Is.True);
            Assert.That(File.ReadAllBytes(Path.Combine(folder, "p1-dead.held-by-p2-alive")), Is.EqualTo(new byte[] { 7 }));
            Assert.That(File.Exists(marker), Is.False);
        }
    }
}

using System;
using NUnit.Framework;

namespace Matomo.Mvc5.Tests.EndToEnd
{
    /// <summary>
    /// A fixture with a Matomo stand-in process of its own (started with the given arguments) for all its tests, its
    /// journal cleared before each test.
    /// </summary>
    public abstract class StandinFixture
    {
        private protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
        /// <summary>The token_auth a stand-in accepts unless given --token: the tests' and the Sample's matomo:ProxyTokenAuth.</summary>
        private protected const string Token = "0123456789abcdef0123456789abcdef";
        private readonly string[] _arguments;
        private protected StandinProcess _process;
        private protected Standin _standin;

        protected StandinFixture(params string[] arguments) { _arguments = arguments; }

        [OneTimeSetUp]
        public void StartStandin()
        {
            _process = new StandinProcess(_arguments);
            _standin = new Standin(_process.WaitUntilListening(Timeout));
        }

        [OneTimeTearDown]
        public void StopStandin()
        {
            _process?.Dispose();
            SampleHost.DeleteRunDirectory();
        }

        [SetUp]
        public void ClearStandin() => _standin.Clear();
    }
}

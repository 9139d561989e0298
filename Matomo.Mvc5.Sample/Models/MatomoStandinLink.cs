using System.Configuration;

namespace Matomo.Mvc5.Sample.Models
{
    /// <summary>
    /// Where the Matomo stand-in shows what it received. The stand-in (Matomo.Mvc5.Standin) is a program of its own
    /// that build/lib/sample-host.sh starts beside the Sample; the host writes its address into App_Data/Host.config
    /// (sample:StandinUrl), and Web.config has the one ./build.sh sample uses by default.
    /// </summary>
    public static class MatomoStandinLink
    {
        /// <summary>The stand-in's page (http://127.0.0.1:PORT/), or null when the Sample tracks to a real Matomo.</summary>
        public static string Url
        {
            get
            {
                var url = ConfigurationManager.AppSettings["sample:StandinUrl"];
                return string.IsNullOrWhiteSpace(url) ? null : url.Trim();
            }
        }
    }
}

using Matomo.Mvc5.Configuration;

namespace Matomo.Mvc5.Sample.Models
{
    /// <summary>
    /// The Matomo settings for the Sample's own pages (the consent banner, the home page's example). Read safely: with
    /// an invalid setting the Sample's pages still render, so that what Html.Matomo() does in its place shows (a
    /// comment naming the problem in production, an exception with debug="true").
    /// </summary>
    public static class SampleSettings
    {
        /// <summary>The settings in force, or null when a setting is invalid.</summary>
        public static MatomoSettings OrNull
        {
            get
            {
                try
                {
                    return MatomoConfiguration.Current;
                }
                catch (MatomoConfigurationException)
                {
                    return null;
                }
            }
        }
    }
}

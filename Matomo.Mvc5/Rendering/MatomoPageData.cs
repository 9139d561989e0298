using System.Collections.Generic;

namespace Matomo.Mvc5
{
    /// <summary>What one page tells Matomo beyond the site's settings. One instance per request.</summary>
    public sealed class MatomoPageData
    {
        internal readonly List<CustomVariable> VariableList = new List<CustomVariable>();
        internal readonly List<CustomDimension> DimensionList = new List<CustomDimension>();
        internal readonly List<MatomoCommand> CommandList = new List<MatomoCommand>();

        /// <summary>The user id (<c>setUserId</c>), or <c>null</c> for none.</summary>
        public string UserId { get; set; }

        /// <summary>The CSP nonce for the script element, or <c>null</c>.</summary>
        public string Nonce { get; set; }

        /// <summary>Whether and why the snippet is commented out.</summary>
        public MatomoSuppression Suppression { get; set; }

        /// <summary>Custom variables, in order.</summary>
        public IList<CustomVariable> CustomVariables => VariableList;

        /// <summary>Custom dimensions, in order.</summary>
        public IList<CustomDimension> CustomDimensions => DimensionList;

        /// <summary>Commands pushed before <c>trackPageView</c>, in order.</summary>
        public IList<MatomoCommand> Commands => CommandList;
    }
}

namespace Matomo.Mvc5.Rendering
{
    /// <summary>
    /// A tracker method whose command is written often: its opening (<c>_paq.push(["method"</c>) and its statement
    /// without arguments are encoded once, so that <see cref="CommandWriter"/> writes each with one copy.
    /// </summary>
    internal sealed class CommandName
    {
        public static readonly CommandName ResetUserId = new CommandName("resetUserId");
        public static readonly CommandName SetUserId = new CommandName("setUserId");
        public static readonly CommandName SetCustomVariable = new CommandName("setCustomVariable");
        public static readonly CommandName SetCustomDimension = new CommandName("setCustomDimension");
        public static readonly CommandName SetDocumentTitle = new CommandName("setDocumentTitle");
        public static readonly CommandName SetCustomUrl = new CommandName("setCustomUrl");
        public static readonly CommandName SetEcommerceView = new CommandName("setEcommerceView");
        public static readonly CommandName TrackPageView = new CommandName("trackPageView");
        public static readonly CommandName TrackSiteSearch = new CommandName("trackSiteSearch");
        public static readonly CommandName AppendToTrackingUrl = new CommandName("appendToTrackingUrl");
        public static readonly CommandName AddEcommerceItem = new CommandName("addEcommerceItem");
        public static readonly CommandName TrackEcommerceCartUpdate = new CommandName("trackEcommerceCartUpdate");
        public static readonly CommandName TrackEcommerceOrder = new CommandName("trackEcommerceOrder");
        public static readonly CommandName TrackGoal = new CommandName("trackGoal");
        public static readonly CommandName TrackEvent = new CommandName("trackEvent");

        private CommandName(string method)
        {
            Method = method;
            Opening = CommandWriter.Opening(method);
            Statement = Opening + CommandWriter.Closing;
        }

        /// <summary>The tracker method, such as <c>setUserId</c>.</summary>
        public string Method { get; }

        /// <summary><c>_paq.push(["method"</c>: what <see cref="CommandWriter.Begin(CharBuffer, CommandName)"/> writes.</summary>
        public string Opening { get; }

        /// <summary>The whole command without arguments: <c>_paq.push(["method"]);</c> and a line break.</summary>
        public string Statement { get; }
    }
}
